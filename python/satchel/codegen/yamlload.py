"""YAML loading that remembers the line of every mapping and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class SpecError(Exception):
    """A problem in the spec, reported as ``file:line: message``."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class Node(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows where it and each of its keys were written."""

    location: Location
    key_locations: dict[str, Location]

    def pop_required(self, key: str, what: str) -> Any:
        if key not in self:
            raise SpecError(self.location, f"{what}: missing key '{key}'")
        return self.pop(key)

    def where(self, key: str) -> Location:
        return self.key_locations.get(key, self.location)

    def reject_leftovers(self, what: str, known: list[str]) -> None:
        """Fail on any key that parsing did not pop: a misspelling is an error."""
        self.reject_unknown(what, known, set())

    def reject_unknown(self, what: str, known: list[str], allowed: set[str] | None = None) -> None:
        """Fail on any key outside ``allowed`` (default: ``known``)."""
        allowed = set(known) if allowed is None else allowed
        for key in self:
            if key in allowed:
                continue
            raise SpecError(
                self.where(key),
                f"{what}: unknown key '{key}' (known: {', '.join(known)})",
            )


def _loader(path: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
        result = Node()
        result.location = Location(path, node.start_mark.line + 1)
        result.key_locations = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            where = Location(path, key_node.start_mark.line + 1)
            if key in result:
                raise SpecError(where, f"duplicate key '{key}'")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_locations[str(key)] = where
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def load_yaml(path: Path, display: str) -> Any:
    """Parse ``path``; syntax errors become SpecErrors naming ``display``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(Location(display, 0), f"cannot read: {e.strerror}") from e
    try:
        return yaml.load(text, Loader=_loader(display))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(Location(display, line), f"invalid YAML: {e.problem}") from e
