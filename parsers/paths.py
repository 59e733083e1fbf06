"""File paths inside one token's text: recognise, clean and expand them.

A token is a path when its last segment carries a known extension (``parsers/vocab`` group
``files``, role ``extensions``), is a known extensionless name (``Makefile``), is a known dotfile
(``.gitignore``), or ends with ``/`` (a directory). Globs and placeholders are not paths; brace
sets (``src/{a,b}.ts``) are expanded; line suffixes (``app.py:42``, ``#L10-L20``) are dropped, and
so are a leading ``./`` or ``/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.matching import word_set
from parsers.vocabulary import NO_SPACE_SCRIPT, Vocabulary

# A token: brace groups kept whole (their commas are not separators); CJK text separates tokens.
TOKEN = re.compile(
    r"(?:\{[^{}\s]*\}|[^\s,;`，；、。：「」『』【】{\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])+"
)
CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
# a file named in a script without spaces ("完成报告.md", "`연도자동화_가이드.md`"): TOKEN splits
# such text at every CJK letter, so these are read apart, where nothing glues them to a word
CJK_NAME = re.compile(
    rf"(?<![\w.\-/])((?:[\w\-]+/)*[\w\-]*[{CJK_LETTERS}][\w\-]*\.[A-Za-z0-9]{{1,10}})(?![\w/])"
)
CITATION = re.compile(r"【F:([^†】\s]+)")
LINE_SUFFIX = re.compile(r"(?::L?\d+(?:[-–]L?\d+)?(?::\d+)?|#L\d+(?:-L?\d+)?)$")
PATHLIKE = re.compile(r"\.\w|/|file\b", re.IGNORECASE)
MAX_TOKEN = 400  # longer tokens are data, not paths (and keep stripping linear)
GLOB = re.compile(r"/\*|\*[\w./]")
BRACES = re.compile(r"^([^{}]*)\{([^{}]*)\}([^{}]*)$")
MARK = re.compile(r"\s*[(（]([^()（）]{0,40})[)）]\s*$")
QUOTES = "\"'`*“”‘’«»"
PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
REJECT = ("://", "*", "?", "<", ">", "$", "|", "=", "\\", "…")
PLACEHOLDER = re.compile(r"x{3,}|\.\.\.\.|^\.+/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PathToken:
    path: str
    start: int
    end: int
    #: words written inside the path's braces, e.g. ``new`` for ``{A(new),B}``
    mark: str = ""
    #: a citation such as ``【F:src/a.ts†L1-L9】``
    cited: bool = False
    #: written with a line number (``a.py:42``): a location, not a file as a whole
    located: bool = False


def _strip(token: str) -> str:
    """Quotes, emphasis, sentence punctuation and unbalanced brackets off both ends."""
    previous = None
    while token and token != previous:
        previous = token
        if token[0] in QUOTES:
            token = token[1:]
        elif token[-1] in QUOTES or token[-1] in ".,:;!?":
            token = token[:-1]
        elif token[0] in PAIRS and token.count(token[0]) > token.count(PAIRS[token[0]]):
            token = token[1:]
        elif token[-1] in CLOSERS and token.count(token[-1]) > token.count(CLOSERS[token[-1]]):
            token = token[:-1]
        elif token[0] in PAIRS and token[-1] == PAIRS[token[0]]:
            token = token[1:-1]
    return token


def _accepts(path: str, vocab: Vocabulary) -> bool:
    if not path or PLACEHOLDER.search(path) or any(part in path for part in REJECT):
        return False
    if ":" in path or path.startswith(("@", "www.", "-", "~")):
        return False
    if path.endswith("/"):
        segments = [s for s in path.split("/") if s]
        return (
            bool(segments)
            and all(s not in (".", "..") for s in segments)
            and any(ch.isalpha() for ch in path)
        )
    name = path.rsplit("/", 1)[-1]
    if path.lower() in word_set(vocab.role("files", "not_paths")):
        return False
    extensions = word_set(vocab.role("files", "extensions"))
    if name.lower() in word_set(vocab.role("files", "names")):
        # a bare README or LICENSE in prose is a word; Makefile, Dockerfile, .gitignore are files
        return "/" in path or name.startswith(".") or name.lower().endswith("file")
    stem, dot, extension = name[1:].rpartition(".")
    if not dot or not (name[0] + stem).strip("."):
        return False
    return extension.lower() in extensions and any(ch.isalnum() for ch in stem + name[0])


def _expand(token: str) -> list[tuple[str, str]]:
    """Brace sets expanded; each alternative with the note written inside it (``(new)``)."""
    if "{" not in token and "}" not in token:
        return [(token, "")]
    match = BRACES.match(token)
    if match is None:
        return []
    prefix, inner, suffix = match.groups()
    expanded = []
    for alternative in inner.split(","):
        note = ""
        mark = MARK.search(alternative)
        if mark:
            note, alternative = mark.group(1), alternative[: mark.start()]
        if alternative.strip():
            expanded.append((f"{prefix}{alternative.strip()}{suffix}", note))
    return expanded


def clean_path(token: str, vocab: Vocabulary) -> list[tuple[str, str]]:
    """The paths one token names (several for a brace set), each with its inline note."""
    return [(path, note) for path, note, _ in _paths_of(token, vocab)]


def _paths_of(token: str, vocab: Vocabulary) -> list[tuple[str, str, bool]]:
    if len(token) > MAX_TOKEN or GLOB.search(token):
        return []
    token = _strip(token.strip())
    stripped = LINE_SUFFIX.sub("", token)
    located = stripped != token
    token = stripped
    if token.startswith("./"):
        token = token[2:]
    token = token.lstrip("/") if token.count("/") > 1 or not token.endswith("/") else token
    found = []
    for path, note in _expand(token):
        path = _strip(path)
        if _accepts(path, vocab):
            found.append((path, note, located))
    return found


def find_paths(text: str, vocab: Vocabulary) -> list[PathToken]:
    """Every path in ``text``, in order, with its position (citations ``【F:a.ts†L1】`` too)."""
    found: list[PathToken] = []
    if PATHLIKE.search(text) is None:
        return found  # no extension, folder or Makefile-like name: no path at all
    for match in CITATION.finditer(text) if "【" in text else ():
        for path, note in clean_path(match.group(1), vocab):
            found.append(PathToken(path, match.start(), match.end(), note, cited=True))
    if found:
        return found
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if "." not in token and "/" not in token and not token.lower().endswith("file"):
            continue  # a word, not a path: skip the work below for most tokens
        for path, note, located in _paths_of(token, vocab):
            found.append(PathToken(path, match.start(), match.end(), note, located=located))
    if NO_SPACE_SCRIPT.search(text) is not None:
        found.extend(_cjk_names(text, found, vocab))
        found.sort(key=lambda token: token.start)
    return found


def _cjk_names(text: str, found: list[PathToken], vocab: Vocabulary) -> list[PathToken]:
    """Files whose names are written in a script without spaces, where no other path is."""
    names: list[PathToken] = []
    for match in CJK_NAME.finditer(text):
        if any(token.start < match.end() and match.start() < token.end for token in found):
            continue
        for path, note, located in _paths_of(match.group(1), vocab):
            names.append(PathToken(path, match.start(), match.end(), note, located=located))
    return names


def is_path(token: str, vocab: Vocabulary) -> bool:
    return bool(clean_path(token, vocab))
