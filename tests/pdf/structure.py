#!/usr/bin/env python3
"""Usage: structure.py FILE.pdf — a tagged PDF's structure tree as a reader is given it, as JSON.

{"display_doc_title": bool, "elements": [{"type", "depth", "text", "alt", "lang", "title"}, ...]}

Elements come in the tree's order (depth first), each with the text of the marked content it
holds directly and in its children, read from the content streams: glyphs through the fonts'
ToUnicode maps, or a span's /ActualText in their place. Written here with pikepdf alone, not
with pdfplumber: pdfminer forgets the MCID of a sequence after a nested span ends, and krilla
nests one (/ActualText) around every Thai cluster.
"""
import json
import re
import sys

import pikepdf


def hex_units(text):
    return [int(text[i:i + 4], 16) for i in range(0, len(text), 4)]


def to_unicode(font):
    """The font's ToUnicode map: code (an int) -> text."""
    cmap = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            cmap[int(src, 16)] = utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            lo, hi = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for k, dst in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    cmap[lo + k] = utf16(dst)
            else:
                units = hex_units(rest[1:-1])
                for k in range(hi - lo + 1):
                    cmap[lo + k] = "".join(map(chr, units[:-1] + [units[-1] + k])) if units else ""
    return cmap


def utf16(hexstr):
    return bytes.fromhex(hexstr).decode("utf-16-be") if hexstr else ""


def page_texts(page):
    """The text of each marked-content sequence with an MCID on the page: MCID -> text."""
    fonts = {}
    resources = page.obj.get("/Resources", {})
    for name, font in resources.get("/Font", {}).items():
        two = str(font.get("/Subtype")) == "/Type0"
        fonts[name] = (to_unicode(font), 2 if two else 1)
    texts = {}
    stack = []  # (mcid or None, whether an /ActualText replaces the glyphs inside)
    font = (None, 1)
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op in ("BDC", "BMC"):
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            mcid = None
            actual = None
            if isinstance(props, pikepdf.Dictionary):
                mcid = int(props["/MCID"]) if "/MCID" in props else None
                actual = str(props["/ActualText"]) if "/ActualText" in props else None
            stack.append((mcid, actual is not None))
            if actual is not None:
                owner = next((m for m, _ in reversed(stack) if m is not None), None)
                if owner is not None:
                    texts[owner] = texts.get(owner, "") + actual
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op == "Tf":
            font = fonts.get(str(operands[0]), ({}, 1))
        elif op in ("Tj", "TJ", "'", '"'):
            if any(replaced for _, replaced in stack):
                continue
            owner = next((m for m, _ in reversed(stack) if m is not None), None)
            if owner is None:
                continue
            pieces = operands[-1] if op in ("TJ",) else [operands[-1]]
            cmap, width = font
            for piece in pieces:
                if isinstance(piece, pikepdf.String):
                    raw = bytes(piece)
                    for i in range(0, len(raw) - width + 1, width):
                        code = int.from_bytes(raw[i:i + width], "big")
                        texts[owner] = texts.get(owner, "") + cmap.get(code, "\ufffd")
    return texts


def main(path):
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        texts = {}

        def text_of(page_index, mcid):
            if page_index not in texts:
                texts[page_index] = page_texts(pdf.pages[page_index])
            return texts[page_index].get(mcid, "")

        elements = []

        def walk(elem, depth, page):
            if "/Pg" in elem:
                page = pages.get(elem["/Pg"].objgen, page)
            entry = {"type": str(elem.get("/S", ""))[1:], "depth": depth, "text": ""}
            for key, name in (("/Alt", "alt"), ("/Lang", "lang"), ("/T", "title"), ("/ActualText", "actual_text")):
                if key in elem:
                    entry[name] = str(elem[key])
            elements.append(entry)
            kids = elem.get("/K")
            if kids is None:
                return ""
            if not isinstance(kids, pikepdf.Array):
                kids = [kids]
            text = ""
            for kid in kids:
                if isinstance(kid, int):
                    text += text_of(page, int(kid))
                elif isinstance(kid, pikepdf.Dictionary) and str(kid.get("/Type", "")) == "/MCR":
                    kid_page = pages.get(kid["/Pg"].objgen, page) if "/Pg" in kid else page
                    text += text_of(kid_page, int(kid["/MCID"]))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    text += walk(kid, depth + 1, page)
            entry["text"] = text
            return text

        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            kids = root.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in kids:
                walk(kid, 0, 0)
        prefs = pdf.Root.get("/ViewerPreferences", {})
        display = bool(prefs.get("/DisplayDocTitle", False))
        print(json.dumps({"display_doc_title": display, "elements": elements}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
