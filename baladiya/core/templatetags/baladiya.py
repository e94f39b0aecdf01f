"""Template helpers of the shell."""

from django import template
from django.templatetags.i18n import TranslateNode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


class FixedTextNode(template.Node):
    """Text that depends on the language only, rendered once per language by this process."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str | None, bool], str] = {}

    def render(self, context: template.Context) -> str:
        key = (get_language(), context.autoescape)
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return found


def _fixed(node: template.Node) -> bool:
    if isinstance(node, template.base.TextNode):
        return True
    if isinstance(node, TranslateNode):
        expression = node.filter_expression
        return (
            node.asvar is None
            and not expression.filters
            and isinstance(expression.var, template.base.Variable)
            and expression.var.literal is not None
            and node.message_context is None
        )
    return False


@register.tag
def fixedtext(parser: template.base.Parser, token: template.base.Token) -> FixedTextNode:
    """``{% fixedtext %}…{% endfixedtext %}``: plain text and ``{% translate "literal" %}`` only
    (anything else is a syntax error), rendered once per language and kept by the process.

    For the headings and labels of pages rendered on every miss: forty ``{% translate %}``
    nodes cost a statistics page about as much as reading its figures."""
    nodelist = parser.parse(("endfixedtext",))
    parser.delete_first_token()
    for node in nodelist:
        if not _fixed(node):
            raise template.TemplateSyntaxError(
                f"{{% fixedtext %}} holds only text and {{% translate 'literal' %}}, not {node!r}"
            )
    return FixedTextNode(nodelist)
