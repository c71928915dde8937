"""Strict YAML reading for the project's own data files (plans, message catalogs).

A safe loader that refuses a mapping with a repeated key instead of silently keeping the last value, and uses
PyYAML's C parser when it is available.
"""

from __future__ import annotations

from typing import Any

import yaml

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML was built with libyaml


class DuplicateKeyError(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


class UniqueKeyLoader(BaseLoader):
    """A safe YAML loader that refuses duplicate keys."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)  # resolve "<<" merge keys like the stock loader
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise DuplicateKeyError(key, key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_strict(text: str) -> Any:
    return yaml.load(text, Loader=UniqueKeyLoader)
