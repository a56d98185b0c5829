"""Finding the apps' benchmark parts: the `bench` module of each installed app that has
one (its `load(ctx)`, `pages(ctx)` and, optionally, `describe()`: counts of what the
data set holds, for the report), in INSTALLED_APPS order (the core first, then
knowledge, incidents, problems, changes: an app's data may lean on the earlier apps'
data, never on a later one's)."""

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "bench"


@dataclass(frozen=True)
class AppBench:
    label: str
    module: ModuleType

    @property
    def loads(self) -> bool:
        return callable(getattr(self.module, "load", None))

    @property
    def has_pages(self) -> bool:
        return callable(getattr(self.module, "pages", None))


def app_benches() -> list[AppBench]:
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            found.append(AppBench(config.label, import_module(f"{config.name}.{MODULE}")))
    return found
