"""Keep the kept public pages of the catalogue true: any saved or deleted procedure, document
or form drops them."""

from typing import Any

from baladiya.core import pagecache


def forget_catalogue_pages(**_kwargs: Any) -> None:
    pagecache.forget(pagecache.CATALOGUE)
