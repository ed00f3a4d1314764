"""Keeps the project's zh_Hans catalogues, which complete the ones Wagtail and its add-ons ship (locale/README.md).

    .venv/bin/python locale/update.py status          per source catalogue: strings, Chinese as shipped, ours, English
    .venv/bin/python locale/update.py sync [--scan]   add every msgid still English to our .po files (empty msgstr);
                                                      --scan reads the packages' code too (xgettext)
    .venv/bin/python locale/update.py compile         msgfmt each .po to its .mo (the .mo files are committed)
    .venv/bin/python locale/update.py list [SOURCE]   the msgids we translate (all, or one source such as wagtail.admin)
    .venv/bin/python locale/update.py files [SOURCE]  how many of them each source file of Wagtail & co. holds

Only the standard library: the test that compares each .po with its .mo imports this file by path (a folder named
`locale` must never become a package, or it would hide the standard library's `locale` module).
"""

import argparse
import ast
import gettext
import importlib.util
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGE = "zh_Hans"
PLURAL_FORMS = "nplurals=1; plural=0;"

# Where the strings the staff meet come from: (package, domain). The package's en (source) catalogue lists its
# msgids; where it ships none (django-filter), another language's catalogue does.
SOURCES = [
    ("wagtail.admin", "django"),
    ("wagtail.admin", "djangojs"),
    ("wagtail", "django"),
    ("wagtail.documents", "django"),
    ("wagtail.images", "django"),
    ("wagtail.snippets", "django"),
    ("wagtail.users", "django"),
    ("wagtail.search", "django"),
    ("wagtail.sites", "django"),
    ("wagtail.embeds", "django"),
    ("wagtail.contrib.settings", "django"),
    ("wagtail.contrib.forms", "django"),
    ("wagtail.contrib.redirects", "django"),
    ("wagtail.contrib.table_block", "django"),
    ("wagtailmedia", "django"),
    ("django_filters", "django"),
    ("taggit", "django"),
    # Wagtail's admin formats times with naturaltime() ("3 seconds ago"), whose strings are in humanize's catalogue;
    # humanize is not an installed app, so Django never loads that catalogue.
    ("django.contrib.humanize", "django"),
]

# The "django" domain is one catalogue merged from every installed app (and LOCALE_PATHS on top); a msgid that any
# of these translates is already Chinese for the staff. "djangojs" comes from wagtail.admin alone: Wagtail's
# /admin/jsi18n/ is JavaScriptCatalog(packages=["wagtail.admin"]), plus LOCALE_PATHS.
NOT_INSTALLED = {"django.contrib.humanize"}
SHIPPED = {
    "django": [pkg for pkg, domain in SOURCES if domain == "django" and pkg not in NOT_INSTALLED]
    + [
        "wagtail.contrib.routable_page",
        "wagtail.contrib.sitemaps",
        "modelcluster",
        "axes",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "django.contrib.sitemaps",
        "django.conf",  # Django's own strings live in django/conf/locale
    ],
    "djangojs": ["wagtail.admin"],
}


# --- PO files --------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgstr: list = field(default_factory=lambda: [""])
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: list = field(default_factory=list)
    references: list = field(default_factory=list)
    extracted: list = field(default_factory=list)  # "#." comments: notes for translators from the source
    comments: list = field(default_factory=list)  # "# " comments: ours
    obsolete: bool = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def translated(self):
        return all(self.msgstr) and not self.fuzzy


def _unquote(text):
    # A PO string is a C string literal; Python's literal syntax reads its escapes (\n, \t, \", \\) the same way.
    return ast.literal_eval(text)


def parse_po(path):
    """The entries of a PO file, header (msgid "") first. Obsolete ("#~") entries are read and marked."""
    entries, current, last = [], None, None

    def finish():
        nonlocal current, last
        if current is not None and (current.msgid is not None):
            entries.append(current)
        current, last = None, None

    def start():
        nonlocal current
        if current is None or last is not None and last[0] == "msgstr":
            finish()
            current = Entry(msgid=None, msgstr=[])
        return current

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None and last is not None and last[0] == "msgstr":
                finish()
            entry = current or start()
            if line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            elif line.startswith("#:"):
                entry.references += line[2:].split()
            elif line.startswith("#."):
                entry.extracted.append(line[2:].strip())
            elif line.startswith("#|"):
                pass  # previous msgid of a fuzzy entry: not needed
            else:
                entry.comments.append(line[1:].strip())
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):  # continuation of the last string
            value = _unquote(line)
            kind, index = last
            if kind == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, kind, getattr(current, kind) + value)
            continue
        entry = start() if keyword in ("msgctxt", "msgid") else current
        entry.obsolete = entry.obsolete or obsolete
        value = _unquote(rest)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, value)
            last = (keyword, None)
        elif keyword == "msgstr":
            entry.msgstr = [value]
            last = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            while len(entry.msgstr) <= index:
                entry.msgstr.append("")
            entry.msgstr[index] = value
            last = ("msgstr", index)
        else:
            raise ValueError(f"{path}: cannot read {raw!r}")
    finish()
    return entries


def _quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    parts = escaped.split("\n")
    # One line per "\n", as gettext's tools write them, so that a multi-line message reads as one.
    lines = [part + "\\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if len(lines) <= 1:
        return '"' + "".join(lines) + '"'
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def format_entry(entry):
    out = [f"# {comment}".rstrip() for comment in entry.comments]
    out += [f"#. {note}" for note in entry.extracted]
    out += [f"#: {reference}" for reference in entry.references]
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        out.append(f"msgctxt {_quote(entry.msgctxt)}")
    out.append(f"msgid {_quote(entry.msgid)}")
    if entry.msgid_plural is not None:
        out.append(f"msgid_plural {_quote(entry.msgid_plural)}")
        out += [f"msgstr[{index}] {_quote(text)}" for index, text in enumerate(entry.msgstr)]
    else:
        out.append(f"msgstr {_quote(entry.msgstr[0])}")
    if entry.obsolete:
        out = [line if line.startswith("#") else "\n".join("#~ " + part for part in line.split("\n")) for line in out]
    return "\n".join(out)


def write_po(path, entries):
    Path(path).write_text("\n\n".join(format_entry(entry) for entry in entries) + "\n", encoding="utf-8")


def po_catalog(entries):
    """What msgfmt puts in the .mo, as Python's gettext reads it back: fuzzy and untranslated entries left out
    (the header too when fuzzy), context as "ctx\\x04msgid", plural forms under (msgid, n)."""
    catalog = {}
    for entry in entries:
        if entry.obsolete or not entry.translated and not (entry.msgid == "" and entry.msgstr[0]):
            continue  # msgfmt keeps the header even when it is marked fuzzy
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if msgid == "":  # msgfmt leaves the POT creation date out of the compiled header
            lines = entry.msgstr[0].splitlines(keepends=True)
            catalog[msgid] = "".join(line for line in lines if not line.startswith("POT-Creation-Date:"))
        elif entry.msgid_plural is None:
            catalog[msgid] = entry.msgstr[0]
        else:
            for index, text in enumerate(entry.msgstr):
                catalog[(msgid, index)] = text
    return catalog


def mo_catalog(path):
    with open(path, "rb") as file:
        return dict(gettext.GNUTranslations(file)._catalog)


# --- Sources ---------------------------------------------------------------------------------------------------


def package_dir(package):
    if package == "django.conf":
        return Path(importlib.util.find_spec("django").submodule_search_locations[0]) / "conf"
    spec = importlib.util.find_spec(package)
    return Path(spec.submodule_search_locations[0])


def source_po(package, domain):
    """The catalogue listing a package's msgids: its en one, else the first language it ships."""
    locale_dir = package_dir(package) / "locale"
    english = locale_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
    if english.exists():
        return english
    for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po")):
        return path
    return None


def site_relative(package):
    """wagtail.admin -> wagtail/admin: the prefix of a reference, so that it names the file in site-packages.
    Django's own catalogues give their references from the django folder."""
    return "django" if package.startswith("django.") else package.replace(".", "/")


def shipped_catalog(domain):
    """Every msgid that the installed packages' zh_Hans .mo files translate, as Django merges them."""
    catalog = {}
    for package in SHIPPED[domain]:
        try:
            directory = package_dir(package)
        except (AttributeError, ModuleNotFoundError, TypeError):
            continue
        mo = directory / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.mo"
        if mo.exists():
            for key, value in mo_catalog(mo).items():
                catalog.setdefault(key, value)
    return catalog


def own_chinese(package, domain):
    """A package's own Chinese, where Django does not load it (an app that is not installed, a zh_CN catalogue that
    zh-hans never looks up): a starting point for new entries, by key."""
    for language in (LANGUAGE, "zh_CN"):
        path = package_dir(package) / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            return {entry.key: entry.msgstr[:1] for entry in parse_po(path) if entry.msgid and entry.translated}
    return {}


def _in_catalog(catalog, entry):
    msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
    return bool(catalog.get(msgid) or catalog.get((msgid, 0)))


def scanned_po(package):
    """The package's msgids read from its code and templates by makemessages (xgettext), in a scratch copy: a
    package's shipped en catalogue can lag its code (wagtailmedia 0.19.1 lacks "media items"). Sub-packages with
    their own locale folder are other sources and are left out, as are tests and static files."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="dangjian-locale-"))
    copy = scratch / "package"

    def ignore(directory, names):
        skip = {name for name in names if name in ("test", "tests", "locale", "static", "__pycache__")}
        return skip | {
            name
            for name in names
            if (Path(directory) / name).is_dir() and any((Path(directory) / name).rglob("locale"))
        }

    shutil.copytree(package_dir(package), copy, ignore=ignore)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-wrap", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": ""},
    )
    entries = parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    shutil.rmtree(scratch)
    return entries


SCAN = False  # sync --scan: read msgids from the code as well as from the shipped en catalogue


def source_entries(package, domain):
    path = source_po(package, domain)
    entries = [] if path is None else [entry for entry in parse_po(path) if entry.msgid and not entry.obsolete]
    if SCAN and domain == "django":
        known = {entry.key for entry in entries}
        for entry in scanned_po(package):
            if entry.msgid and entry.key not in known:
                entries.append(entry)
    return entries


def project_po(domain):
    return HERE / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def header_entry():
    text = (
        "Project-Id-Version: dangjian\n"
        "PO-Revision-Date: 2026-12-02 12:00+0800\n"
        "Last-Translator: 机关党建网项目组\n"
        "Language-Team: 机关党建网项目组\n"
        "Language: zh_Hans\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {PLURAL_FORMS}\n"
    )
    return Entry(
        msgid="",
        msgstr=[text],
        comments=[
            "The project's Chinese for the strings of Wagtail and its add-ons that their own zh_Hans catalogues",
            "leave in English (or fuzzy). Kept by locale/update.py: see locale/README.md.",
        ],
    )


def read_project(domain):
    path = project_po(domain)
    if not path.exists():
        return header_entry(), []
    entries = parse_po(path)
    return entries[0], entries[1:]


def source_of(entry):
    """The source catalogue an entry of ours came from: the first reference's package, e.g. wagtail.admin."""
    for comment in entry.comments:
        if comment.startswith("source: "):
            return comment[len("source: ") :]
    return None


# --- Commands --------------------------------------------------------------------------------------------------


def english_left(domain):
    """Per source (package, domain), the source entries the staff still see in English with our catalogue."""
    shipped = shipped_catalog(domain)
    _, ours = read_project(domain)
    ours_catalog = po_catalog(ours)
    result = {}
    for package, source_domain in SOURCES:
        if source_domain != domain:
            continue
        result[package] = [
            entry
            for entry in source_entries(package, domain)
            if not _in_catalog(shipped, entry) and not _in_catalog(ours_catalog, entry)
        ]
    return result


def status(_args):
    print(f"{'source':34} {'domain':9} {'msgids':>6} {'shipped':>7} {'ours':>5} {'English':>7}")
    total_left = 0
    for domain in ("django", "djangojs"):
        shipped = shipped_catalog(domain)
        ours = po_catalog(read_project(domain)[1])
        for package, source_domain in SOURCES:
            if source_domain != domain:
                continue
            entries = source_entries(package, domain)
            in_shipped = sum(_in_catalog(shipped, entry) for entry in entries)
            in_ours = sum(not _in_catalog(shipped, entry) and _in_catalog(ours, entry) for entry in entries)
            left = len(entries) - in_shipped - in_ours
            total_left += left
            print(f"{package:34} {domain:9} {len(entries):6} {in_shipped:7} {in_ours:5} {left:7}")
    return 1 if total_left else 0


def sync(args):
    """Adds each source msgid that is still English to our .po (empty msgstr, the source's references and notes);
    refreshes the references of the entries we have. Entries no source needs any more are reported, not dropped.
    With --scan, the msgids also come from the packages' code (needs gettext's xgettext)."""
    global SCAN
    SCAN = args.scan
    for domain in ("django", "djangojs"):
        header, ours = read_project(domain)
        by_key = {entry.key: entry for entry in ours}
        shipped = shipped_catalog(domain)
        needed = set()
        added = 0
        for package, source_domain in SOURCES:
            if source_domain != domain:
                continue
            for source in source_entries(package, domain):
                if _in_catalog(shipped, source) and source.key not in by_key:
                    continue
                needed.add(source.key)
                mine = by_key.get(source.key)
                references = [f"{site_relative(package)}/{ref}" for ref in source.references]
                if mine is None:
                    mine = Entry(
                        msgid=source.msgid,
                        msgctxt=source.msgctxt,
                        msgid_plural=source.msgid_plural,
                        msgstr=own_chinese(package, domain).get(source.key, [""]),
                        comments=[f"source: {package}"],
                        extracted=source.extracted,
                        references=references,
                    )
                    by_key[source.key] = mine
                    ours.append(mine)
                    added += 1
                elif source_of(mine) == package:
                    mine.references = references
                    mine.extracted = source.extracted
                    mine.msgid_plural = source.msgid_plural
        unused = [entry for entry in ours if entry.key not in needed]
        write_po(project_po(domain), [header, *ours])
        print(f"{domain}: {added} added, {len(ours)} in all")
        for entry in unused:
            print(f"  no source needs any more{'' if SCAN else ' (or only the code: try --scan)'}: {entry.msgid!r}")
    return 0


def compile_(_args):
    for domain in ("django", "djangojs"):
        po = project_po(domain)
        if po.exists():
            subprocess.run(["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
            print(f"compiled {po.relative_to(HERE.parent)}")
    return 0


def _selected(args):
    for domain in ("django", "djangojs"):
        for entry in read_project(domain)[1]:
            if entry.obsolete:
                continue
            if args.source in (None, source_of(entry)):
                yield domain, entry


def list_(args):
    for domain, entry in _selected(args):
        context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
        print(f"{source_of(entry)}\t{domain}\t{context}{entry.msgid!r}")
    return 0


def files(args):
    counts = Counter()
    for _domain, entry in _selected(args):
        for path in {reference.rsplit(":", 1)[0] for reference in entry.references}:
            counts[path] += 1
    for path, count in sorted(counts.items()):
        print(f"{count:4}  {path}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status").set_defaults(run=status)
    command = commands.add_parser("sync")
    command.add_argument("--scan", action="store_true", help="also read msgids from the code (xgettext)")
    command.set_defaults(run=sync)
    commands.add_parser("compile").set_defaults(run=compile_)
    for name, run in (("list", list_), ("files", files)):
        command = commands.add_parser(name)
        command.add_argument("source", nargs="?")
        command.set_defaults(run=run)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    os.chdir(HERE.parent)
    sys.exit(main())
