"""Site-family adapters: each discovers report links for one source family."""
from .base import Adapter, Discovered, article_meta, attachment_links
from .generic import GenericAdapter
from .hanweb_jcms import HanwebJcmsAdapter
from .hanweb_jpaas import HanwebJpaasAdapter
from .hanweb_xxgk_annual import HanwebXxgkAnnualAdapter
from .local_dir import LocalDirAdapter
from .trs_static import TrsStaticAdapter

ADAPTERS = {a.family: a for a in (HanwebJcmsAdapter, HanwebXxgkAnnualAdapter, HanwebJpaasAdapter,
                                  TrsStaticAdapter, GenericAdapter, LocalDirAdapter)}


def get_adapter(family: str) -> Adapter:
    return ADAPTERS[family]()


__all__ = ["ADAPTERS", "get_adapter", "Adapter", "Discovered", "article_meta", "attachment_links"]
