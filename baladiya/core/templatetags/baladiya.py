"""Template helpers of the shell."""

from django import template
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
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
    """Text that depends on the language only, rendered once per language by this process
    (and per script prefix, which its links start with)."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str | None, bool, str], str] = {}

    def render(self, context: template.Context) -> str:
        key = (get_language(), context.autoescape, get_script_prefix())
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return found


def _literal(expression: template.base.FilterExpression) -> bool:
    """A quoted string and no filter (``{% translate %}`` wraps its string in a Variable)."""
    var = expression.var
    if expression.filters:
        return False
    if isinstance(var, template.base.Variable):
        return var.literal is not None
    return isinstance(var, str)


def _fixed(node: template.Node) -> bool:
    if isinstance(node, template.base.TextNode):
        return True
    if isinstance(node, URLNode):  # {% url "name" %}: no argument, the language's prefix
        return not node.args and not node.kwargs and not node.asvar and _literal(node.view_name)
    if isinstance(node, StaticNode):  # {% static "path" %}: the same for every request
        return node.varname is None and _literal(node.path)
    if isinstance(node, TranslateNode):
        return (
            node.asvar is None and node.message_context is None and _literal(node.filter_expression)
        )
    return False


@register.tag
def fixedtext(parser: template.base.Parser, token: template.base.Token) -> FixedTextNode:
    """``{% fixedtext %}…{% endfixedtext %}``: plain text, ``{% translate "literal" %}``,
    ``{% url "name" %}`` (no arguments) and ``{% static "path" %}`` only (anything else is a
    syntax error), rendered once per language and kept by the process.

    For the headings and labels of pages rendered on every miss: forty ``{% translate %}``
    nodes cost a statistics page about as much as reading its figures."""
    nodelist = parser.parse(("endfixedtext",))
    parser.delete_first_token()
    for node in nodelist:
        if not _fixed(node):
            raise template.TemplateSyntaxError(
                "{% fixedtext %} holds only text and {% translate/url/static 'literal' %},"
                f" not {node!r}"
            )
    return FixedTextNode(nodelist)
