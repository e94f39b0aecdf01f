"""The case engine's own reactions to its events: the kept public status page of the case is
dropped, so the next visitor sees the change."""

from typing import Any

from baladiya.core import pagecache


def forget_status_page(*, case: Any, **_kwargs: Any) -> None:
    if case.reference:
        pagecache.forget(pagecache.case_tag(case.reference))
