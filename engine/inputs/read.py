"""Read YAML files safely, keeping the line and column of every value; where the built-in data is."""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct
from yaml.cyaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

import engine
from engine.core import escape
from engine.core.errors import InputError, join_pointer
from engine.core.model import Problem, SourceLocation, nearest_location, sha256_of
from engine.inputs import limits

MAX_DEPTH = 64  # deeper nesting is no plan or rule, and would exhaust the stack later
MAX_NODES = 100_000  # values in one file, counting what aliases expand to ("billion laughs")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
# Types with no JSON counterpart: refusing them keeps every document JSON-like.
_REFUSED_TAGS = ("binary", "set", "omap", "pairs")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as ISO strings and makes every mapping key a string."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    yaml_constructors = {
        tag: constructor
        for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
        if tag is None or tag.rpartition(":")[2] not in _REFUSED_TAGS
    }

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Refuse deep nesting while composing, before the recursion can exhaust the stack:
        # how PyYAML and libyaml fail at depth differs between releases.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                mark = self.peek_event().start_mark
                message = f"the file is nested more than {MAX_DEPTH} levels deep"
                raise _Trouble(Problem("yaml-syntax", message, _at(mark, self.name)))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(  # type: ignore[override]
        self, node: MappingNode, deep: bool = False
    ) -> dict[str, Any]:
        self.flatten_mapping(node)
        return {key.value: self.construct_object(value, deep=deep) for key, value in node.value}

    def construct_yaml_int(self, node: ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, "this number has too many digits", node.start_mark
            ) from None


_Loader.add_constructor(_TIMESTAMP, _Loader.construct_yaml_str)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


class _FastLoader(CParser, _Loader):  # type: ignore[misc]
    """_Loader on libyaml's parser, several times faster; used first, see _parse."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


class Document(Struct, frozen=True):
    path: str
    data: Any
    locations: Mapping[str, SourceLocation]  # a Locations when read from a file
    raw: bytes  # the file's bytes

    @property
    def digest(self) -> str:
        return sha256_of(self.raw)

    def location_of(self, pointer: str) -> SourceLocation | None:
        """The place of ``pointer`` or of its nearest ancestor that the file has."""
        return nearest_location(self.locations, pointer)

    def part(self, pointer: str) -> Document:
        """The document below ``pointer`` (e.g. a fixture's ``/plan``), keeping locations."""
        data = self.data
        for step in pointer.strip("/").split("/"):
            data = data[int(step)] if isinstance(data, list) else data[step]
        return Document(self.path, data, _Below(self.locations, pointer), self.raw)


class _Below(Mapping[str, SourceLocation]):
    """The places below ``pointer`` in ``locations``, their pointers relative to it."""

    def __init__(self, locations: Mapping[str, SourceLocation], pointer: str) -> None:
        self._locations, self._pointer = locations, pointer

    def __getitem__(self, pointer: str) -> SourceLocation:
        if pointer and not pointer.startswith("/"):
            raise KeyError(pointer)
        return self._locations[self._pointer + pointer]

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and (pointer == "" or pointer.startswith("/")) and (
            self._pointer + pointer in self._locations)

    def __iter__(self) -> Iterator[str]:
        prefix = self._pointer
        return (key[len(prefix):] for key in self._locations if key == prefix or key.startswith(prefix + "/"))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"_Below({dict(self.items())!r})"


class _Trouble(Exception):
    """One problem found while walking the node tree; becomes an ``InputError``."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_yaml(path: str | Path) -> Document:
    """The YAML mapping in ``path``, with a JSON pointer -> 1-based location map."""
    name = str(path)
    raw = read_regular_file(name)
    text = _decode(raw, name)
    try:
        data, locations = _parse(text, name)
    except _Trouble as trouble:
        raise InputError([trouble.problem]) from None
    return Document(name, data, locations, raw)


def read_regular_file(name: str | Path) -> bytes:
    """The bytes of the regular file ``name``, refusing anything else or anything too large.

    Opened without blocking, so a FIFO is refused rather than waited on; a device such as
    /dev/zero is refused before a byte is read; the size limit holds even for a file that
    grows while it is read. Raises ``InputError`` naming the file.
    """
    limit = limits.max_file_bytes()
    shown_name = escape.plain(name)
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputError([_open_problem(str(name), shown_name, error)]) from None
    except ValueError:  # a path with a NUL character in it
        raise InputError([_unreadable(f"'{shown_name}' is not a usable file name")]) from None
    try:
        kind = os.fstat(descriptor)
        _refuse_other_than_regular(kind.st_mode, shown_name)
        raw = _read_at_most(descriptor, limit + 1) if kind.st_size <= limit else b""
    except OSError as error:
        raise InputError([_unreadable(f"cannot read '{shown_name}': {error.strerror or error}")]) from None
    finally:
        os.close(descriptor)
    if kind.st_size > limit or len(raw) > limit:
        size = limits.size_words(max(kind.st_size, len(raw)))
        message = f"'{shown_name}' is too large to read ({size}; the limit is {limits.size_words(limit)})"
        hint = f"a plan or rule file is a few kilobytes; to raise the limit set {limits.MAX_FILE_ENV}"
        raise InputError([Problem("file-too-large", message, hint=hint)])
    return raw


def _refuse_other_than_regular(mode: int, shown_name: str) -> None:
    if stat.S_ISDIR(mode):
        raise InputError([_unreadable(f"'{shown_name}' is a directory, not a file")])
    if not stat.S_ISREG(mode):
        what = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or a socket"
        message = f"'{shown_name}' is {what}, not a regular file"
        raise InputError([_unreadable(message, "gpca reads only regular files")])


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _open_problem(name: str, shown_name: str, error: OSError) -> Problem:
    if error.errno == errno.ENOENT and os.path.islink(name):
        return _unreadable(f"'{shown_name}' is a symbolic link to nothing (its target is missing)")
    if error.errno == errno.ENOENT:
        return _unreadable(f"there is no file '{shown_name}'")
    if error.errno == errno.ELOOP:
        return _unreadable(f"'{shown_name}' is a symbolic link that loops back on itself")
    if error.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
        return _unreadable(f"'{shown_name}' is a device or a socket, not a regular file",
                           "gpca reads only regular files")  # fmt: skip
    if error.errno == errno.EACCES:
        return _unreadable(f"cannot read '{shown_name}': permission denied", "check the file's permissions")
    return _unreadable(f"cannot read '{shown_name}': {error.strerror or error}")


def _unreadable(message: str, hint: str = "check the path") -> Problem:
    return Problem("unreadable-file", message, hint=hint)


def _decode(raw: bytes, name: str) -> str:
    hint = "save the file as UTF-8 text (a plain .yaml file, not a word-processor document)"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = _location_at(raw[: error.start].decode("utf-8", "replace"), name)
        problem = Problem("unreadable-file", "the file is not UTF-8 text", where, hint=hint)
        raise InputError([problem]) from None
    if "\x00" in text:
        where = _location_at(text[: text.index("\x00")], name)
        message = "the file holds binary data, not text"
        problem = Problem("unreadable-file", message, where, hint=hint)
        raise InputError([problem])
    return text


def _location_at(before: str, name: str) -> SourceLocation:
    """The location just after ``before``, the text that precedes it in the file."""
    line = before.count("\n") + 1
    return SourceLocation(name, line, len(before) - (before.rfind("\n") + 1) + 1)


def _at(mark: Any, name: str) -> SourceLocation:
    return SourceLocation(name, mark.line + 1, mark.column + 1)


def _parse(text: str, name: str) -> tuple[Any, dict[str, SourceLocation]]:
    """The data and its locations; every YAML failure becomes a ``_Trouble``.

    libyaml's error messages differ from PyYAML's, so a document libyaml refuses is
    parsed again by the pure-Python loader for the message the user sees.
    """
    try:
        return _compose_and_construct(text, name, _FastLoader)
    except (yaml.YAMLError, RecursionError):
        pass
    try:
        return _compose_and_construct(text, name, _Loader)
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else 0
        message = f"the file holds a character that YAML does not allow (#x{code:04x})"
        where = _location_at(text[: error.position], name)
        hint = "save the file as UTF-8 text, without control characters"
        raise _Trouble(Problem("unreadable-file", message, where, hint=hint)) from None
    except yaml.MarkedYAMLError as error:
        raise _Trouble(_syntax_problem(error, name)) from None
    except yaml.YAMLError as error:
        raise _Trouble(Problem("yaml-syntax", f"this is not valid YAML: {error}")) from None
    except RecursionError:
        message = "the file is nested too deeply to read"
        raise _Trouble(Problem("yaml-syntax", message, SourceLocation(name, 1, 1))) from None


def _compose_and_construct(
    text: str, name: str, loader_class: type[_Loader]
) -> tuple[Any, dict[str, SourceLocation]]:
    loader = loader_class(text)
    loader.name = name
    try:
        node = loader.get_single_node()
        if not isinstance(node, MappingNode):
            raise _Trouble(_not_a_mapping(node, name))
        unmerged = _Checker(name).check(node)  # before building: it refuses cycles and floods
        return loader.construct_document(node), Locations(node, name, unmerged)
    finally:
        loader.dispose()


def _not_a_mapping(node: Node | None, name: str) -> Problem:
    hint = "a plan or rule file is a mapping of keys to values, such as 'setup: ...'"
    if node is None:
        return Problem("not-a-mapping", "the file is empty", SourceLocation(name, 1, 1), hint=hint)
    shape = "a list" if isinstance(node, SequenceNode) else "a single value"
    message = f"the file must be a mapping of keys to values, but it is {shape}"
    return Problem("not-a-mapping", message, _at(node.start_mark, name), hint=hint)


def _syntax_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    where = _at(mark, name) if mark else None
    hint = None
    if error.context and error.context_mark and error.context_mark is not mark:
        context = error.context_mark
        hint = f"{error.context} at line {context.line + 1}, column {context.column + 1}"
    problem = str(error.problem)
    if error.context and problem.startswith("but "):
        problem = f"{error.context}, {problem}"  # PyYAML splits this sentence in two
    if "'\\t'" in problem:  # PyYAML's words for a tab do not say what to do about it
        hint = "indent with spaces, not tabs: YAML does not allow a tab here (set your editor to insert spaces)"
    return Problem("yaml-syntax", f"this is not valid YAML: {problem}", where, hint=hint)


class Locations(Mapping[str, SourceLocation]):
    """A document's JSON pointer -> 1-based place, found in its node tree only when asked.

    Most plans are read, checked and reported with no problem to show, so no place is
    worked out up front: looking one up walks down the tree along the pointer, and only
    listing them all walks the whole tree. Either gives the place the first walk of the
    tree would have recorded (a key's own entry before what a merge key lends it).
    """

    def __init__(self, root: Node, name: str, unmerged: Unmerged) -> None:
        self._root, self._name, self._unmerged = root, name, unmerged
        self._table: dict[str, SourceLocation] | None = None

    def __getitem__(self, pointer: str) -> SourceLocation:
        place = self._find(pointer) if isinstance(pointer, str) else None
        if place is None:
            raise KeyError(pointer)
        return place

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and self._find(pointer) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"Locations({self._all()!r})"

    def _all(self) -> dict[str, SourceLocation]:
        if self._table is None:
            self._table = _Walker(self._name, self._unmerged).walk(self._root)
        return self._table

    def _find(self, pointer: str) -> SourceLocation | None:
        if self._table is not None:
            return self._table.get(pointer)
        if pointer == "":
            return _at(self._root.start_mark, self._name)
        if not pointer.startswith("/"):
            return None
        standing: list[Node] = [self._root]  # the nodes at the pointer so far, in walk order
        place: Node | None = None
        for step in pointer[1:].split("/"):
            found = [match for node in standing for match in _step(node, step, self._unmerged)]
            if not found:
                return None
            standing, place = [child for child, _ in found], found[0][1]
        return _at(place.start_mark, self._name) if place is not None else None


def _step(node: Node, step: str, unmerged: Unmerged) -> list[tuple[Node, Node]]:
    """The children of ``node`` at the pointer segment ``step``, each with the node its
    place is read from (a key, or a list item), in the order a walk of the tree meets them."""
    if isinstance(node, SequenceNode):
        index = int(step) if step.isdigit() and str(int(step)) == step else -1
        return [(node.value[index], node.value[index])] if 0 <= index < len(node.value) else []
    if not isinstance(node, MappingNode):
        return []
    pairs = _pairs(node, unmerged)
    found = [(value, key) for key, value in pairs if key.tag != _MERGE and _escaped(key.value) == step]
    for key, value in pairs:
        if key.tag == _MERGE:
            for item in value.value if isinstance(value, SequenceNode) else [value]:
                found += _step(item, step, unmerged)
    return found


# Building the data rewrites each mapping that has a merge key (``<<: *base``) in place,
# its merged keys copied in; the places are those of the mapping as written.
Unmerged = dict[int, tuple[MappingNode, list[tuple[Node, Node]]]]


def _pairs(node: MappingNode, unmerged: Unmerged) -> list[tuple[Node, Node]]:
    kept = unmerged.get(id(node))
    return kept[1] if kept is not None else node.value


def _escaped(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _Checker:
    """Walks the node tree: refuses duplicate keys, half characters, cycles and floods."""

    def __init__(self, name: str, unmerged: Unmerged | None = None) -> None:
        self.name = name
        self.visited = 0
        self.on_path: set[int] = set()
        self.unmerged: Unmerged = {} if unmerged is None else unmerged

    def check(self, root: Node) -> Unmerged:
        """Refuses the tree, or gives the mappings with a merge key as they are written."""
        self._visit(root, "", 0)
        return self.unmerged

    def _visit(self, node: Node, pointer: str, depth: int) -> None:
        self.visited += 1
        if depth > MAX_DEPTH:
            message = f"the file is nested more than {MAX_DEPTH} levels deep"
            raise _Trouble(Problem("yaml-syntax", message, _at(node.start_mark, self.name)))
        if self.visited > MAX_NODES:
            message = (f"the file holds more than {MAX_NODES:,} values (list items, keys and values, "
                       "counting what aliases (*name) expand to)")
            raise _Trouble(Problem("yaml-syntax", message, _at(node.start_mark, self.name)))
        if id(node) in self.on_path:
            message = "an alias here makes the document contain itself"
            raise _Trouble(Problem("yaml-syntax", message, _at(node.start_mark, self.name)))
        if isinstance(node, ScalarNode):
            self._refuse_surrogates(node)
            return
        self.on_path.add(id(node))
        for child, child_pointer in self._children(node, pointer):
            self._visit(child, child_pointer, depth + 1)
        self.on_path.discard(id(node))

    def _children(self, node: Node, pointer: str) -> list[tuple[Node, str]]:
        if isinstance(node, SequenceNode):
            return [(item, pointer) for item in node.value]
        entries = [(key, value) for key, value in node.value if key.tag != _MERGE]
        self._refuse_duplicates([key for key, _ in entries])
        if len(entries) < len(node.value):
            self.unmerged[id(node)] = (node, list(node.value))
        return [(value, pointer) for _, value in entries] + _merged(node.value, pointer)

    def _refuse_surrogates(self, node: ScalarNode) -> None:
        """A ``\\ud83d`` escape is half a character (JSON's way to write an emoji), not text."""
        found = _SURROGATE.search(node.value)
        if found:
            message = f"this text holds half a character, the escape \\u{ord(found.group()):04x}"
            hint = "write the character itself (such as 😀) or as one escape (\\U0001F600)"
            raise _Trouble(Problem("unreadable-file", message, _at(node.start_mark, self.name), hint=hint))

    def _refuse_duplicates(self, keys: list[Node]) -> None:
        seen: dict[str, Node] = {}
        for key in keys:
            if not isinstance(key, ScalarNode):
                message = "a key must be plain text, not a list or a mapping"
                raise _Trouble(Problem("yaml-syntax", message, _at(key.start_mark, self.name)))
            self._refuse_surrogates(key)
            if key.value in seen:
                first = seen[key.value].start_mark
                message = f"the key '{escape.echoed(key.value)}' appears twice in the same mapping"
                hint = f"it is first at line {first.line + 1}, column {first.column + 1}; keep one"
                where = _at(key.start_mark, self.name)
                raise _Trouble(Problem("duplicate-key", message, where, hint=hint))
            seen[key.value] = key


def _merged(pairs: list[tuple[Node, Node]], pointer: str) -> list[tuple[Node, str]]:
    """Merged mappings lend their keys to this one, so they share its pointer."""
    children = []
    for key, value in pairs:
        if key.tag == _MERGE:
            items = value.value if isinstance(value, SequenceNode) else [value]
            children.extend((item, pointer) for item in items)
    return children


class _Walker(_Checker):
    """The checker's walk, recording the place of every pointer it meets (the first)."""

    def __init__(self, name: str, unmerged: Unmerged) -> None:
        super().__init__(name, unmerged)
        self.locations: dict[str, SourceLocation] = {}

    def walk(self, root: Node) -> dict[str, SourceLocation]:
        self.locations[""] = _at(root.start_mark, self.name)
        self._visit(root, "", 0)
        return self.locations

    def _children(self, node: Node, pointer: str) -> list[tuple[Node, str]]:
        if isinstance(node, SequenceNode):
            return [self._record(item, join_pointer(pointer, index), item)
                    for index, item in enumerate(node.value)]
        pairs = _pairs(node, self.unmerged)
        entries = [(key, value) for key, value in pairs if key.tag != _MERGE]
        children = [self._record(value, join_pointer(pointer, key.value), key) for key, value in entries]
        return children + _merged(pairs, pointer)

    def _record(self, child: Node, pointer: str, place: Node) -> tuple[Node, str]:
        self.locations.setdefault(pointer, _at(place.start_mark, self.name))
        return child, pointer


# --- built-in data ---------------------------------------------------------------------


def _data_dir(name: str) -> Path:
    """``engine/_data/<name>`` in an installed wheel, else ``<name>/`` in the repository."""
    package = Path(engine.__file__).parent
    installed = package / "_data" / name
    return installed if installed.is_dir() else package.parent / name


def builtin_rules_dir() -> Path:
    return _data_dir("rules")


def builtin_plan_template() -> Path:
    """The plan template `gpca init` writes: inside the package once installed."""
    return _data_dir("examples") / "plan-template.yaml"


@functools.cache
def builtin_schema(name: str) -> dict[str, Any]:
    """The schema ``schemas/<name>`` that ships with gpca (cached; do not mutate it)."""
    schema: dict[str, Any] = json.loads((_data_dir("schemas") / name).read_text("utf-8"))
    return schema
