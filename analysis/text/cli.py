"""``python -m analysis text keywords|sentiment|kwic|cooccur IN [options]`` (DESIGN.md).

IN is a .txt (one text per line, or a ``说话人：内容`` transcript), a .csv/.xlsx (text in
``--column``) in UTF-8 or GBK. Tables print to stdout; ``--json`` prints JSON instead;
``--out`` writes the table (.csv, .json, .xlsx). ``sentiment --out OUT.csv`` writes the input
with ``sentiment_score`` (0–1, probability positive) and ``sentiment_label`` added.
Exit 0 on success, 1 with a message for unreadable input, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.text.inputs import InputError, TextInput, read_input

if TYPE_CHECKING:
    from analysis.text.corpus import Document


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("input", metavar="IN", help=".txt, .csv, .xlsx or transcript")
    common.add_argument("--column", help="text column of a .csv/.xlsx (default: text)")
    common.add_argument("--group", help="column to group by (speaker, attribute, question)")
    common.add_argument("--userdict", help="study user dictionary (jieba format, UTF-8)")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("--out", help="write the result (.csv, .json or .xlsx)")
    common.add_argument("--top", type=int, default=30, help="rows to show (default 30)")

    parser = argparse.ArgumentParser(prog="python -m analysis text", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    kw = sub.add_parser("keywords", parents=[common], help="keywords, phrases, keyness")
    kw.add_argument(
        "--method", choices=["tfidf", "textrank", "frequency", "phrases"], default="tfidf"
    )
    kw.add_argument("--target", help="with --group: the group to compare (default: each)")
    kw.add_argument("--cloud", metavar="PNG", help="also draw a word cloud")
    se = sub.add_parser("sentiment", parents=[common], help="sentence-level sentiment")
    se.add_argument("--aspect", action="append", default=[], help="aspect word (repeatable)")
    se.add_argument("--processes", type=int, default=1, help="worker processes")
    kc = sub.add_parser("kwic", parents=[common], help="keyword in context")
    kc.add_argument("--keyword", required=True, help="word to find")
    kc.add_argument("--window", type=int, default=20, help="characters each side")
    sub.add_parser("aspects", parents=[common], help="aspect–opinion pairs with polarity")
    th = sub.add_parser("themes", parents=[common], help="themes found without labels (NMF)")
    th.add_argument("--themes", type=int, help="how many (default: from the number of answers)")
    th.add_argument("--seed", type=int, default=0)
    co = sub.add_parser("cooccur", parents=[common], help="co-occurring pairs (PMI)")
    co.add_argument("--min-count", type=int, default=3)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        data = read_input(args.input, column=args.column)
        if args.group and args.group not in data.frame.columns:
            raise InputError(f"{args.input}: no column {args.group!r} for --group")
        if args.userdict and not Path(args.userdict).is_file():
            raise InputError(f"{args.userdict}: no such user dictionary")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    handler = {
        "keywords": _keywords,
        "sentiment": _sentiment,
        "kwic": _kwic,
        "aspects": _aspects,
        "themes": _themes,
    }
    return handler.get(args.command, _cooccur)(args, data)


def _docs(args: argparse.Namespace, data: TextInput) -> list[Document]:
    from analysis.text.corpus import prepare

    frame = data.frame
    meta = [
        {"row": i, **({args.group: row[args.group]} if args.group else {})}
        for i, row in zip(range(len(frame)), frame.to_dict("records"), strict=True)
    ]
    return list(prepare(frame[data.text_column].tolist(), meta=meta, userdict=args.userdict))


def _keywords(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text import keywords
    from analysis.text.corpus import document_terms
    from analysis.text.keyness import keyness

    docs = _docs(args, data)
    if args.group:
        groups = sorted({str(d.meta[args.group]) for d in docs})
        targets = [args.target] if args.target else groups
        tables = []
        for target in targets:
            inside = [document_terms(d) for d in docs if str(d.meta[args.group]) == target]
            outside = [document_terms(d) for d in docs if str(d.meta[args.group]) != target]
            try:
                table = keyness(inside, outside)
            except ValueError as exc:
                print(f"error: {args.group}={target}: {exc}", file=sys.stderr)
                return 1
            table = table[table["direction"] == "target"].head(args.top)
            tables.append(table.assign(group=target))
        result = pd.concat(tables, ignore_index=True)
    elif args.method == "tfidf":
        result = keywords.tfidf_keywords(docs, top=args.top)
    elif args.method == "textrank":
        result = keywords.textrank_keywords(docs, top=args.top)
    elif args.method == "phrases":
        result = keywords.phrases(docs, top=args.top)
    else:
        result = keywords.term_frequencies(docs).head(args.top)
    if args.cloud:
        from analysis.text.wordcloud import word_cloud_png

        counts = keywords.term_frequencies(docs)
        word_cloud_png(dict(zip(counts["term"], counts["count"], strict=True)), args.cloud)
    _emit(result, args)
    return 0


def _sentiment(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text.sentiment import (
        aggregate,
        aspect_sentiment,
        score_texts,
        scored_table,
        sentence_table,
    )

    frame = data.frame
    keep = [args.group] if args.group else []
    if args.processes > 1:  # whole texts in the workers, sentences here
        texts = frame[data.text_column].tolist()
        scored = list(score_texts(texts, userdict=args.userdict, processes=args.processes))
        sentences = sentence_table(frame, data.text_column, keep=keep, userdict=args.userdict)
    else:  # one segmentation of each text for both
        scored, sentences = scored_table(frame, data.text_column, keep=keep, userdict=args.userdict)
    out = frame.copy()
    out["sentiment_score"] = [round(score, 4) for score, _ in scored]
    out["sentiment_label"] = [label for _, label in scored]
    if args.out:
        _write(out, Path(args.out))
    summary: dict[str, Any] = {
        "texts": out["sentiment_label"]
        .value_counts()
        .reindex(["positive", "neutral", "negative"], fill_value=0)
        .to_dict(),
        "sentences": len(sentences),
    }
    if args.group:
        summary["by_group"] = aggregate(sentences, args.group).to_dict("records")
    if args.aspect:
        aspects = aspect_sentiment(sentences, args.aspect, userdict=args.userdict)
        summary["aspects"] = {
            name: {
                **{k: v for k, v in entry.items() if k != "sentences"},
                "sentences": [s["sentence"] for s in entry["sentences"]],
            }
            for name, entry in aspects.items()
        }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default))
        return 0
    print("texts:", ", ".join(f"{k} {v}" for k, v in summary["texts"].items()))
    if args.group:
        print(aggregate(sentences, args.group).to_string(index=False))
    for name, entry in summary.get("aspects", {}).items():
        print(
            f"{name}: {entry['positive']} positive, {entry['neutral']} neutral, "
            f"{entry['negative']} negative"
        )
        for sentence in entry["sentences"][: args.top]:
            print("   ", sentence)
    if args.out:
        print(f"wrote {args.out}")
    return 0


def _kwic(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text.kwic import kwic

    frame = data.frame
    speaker = args.group or ("speaker" if "speaker" in frame.columns else None)
    meta = [
        {
            "source": Path(data.source).name,
            "row": i + 1,
            **({"speaker": r[speaker]} if speaker else {}),
        }
        for i, r in enumerate(frame.to_dict("records"))
    ]
    try:
        hits = kwic(
            frame[data.text_column].tolist(),
            args.keyword,
            window=args.window,
            meta=meta,
            userdict=args.userdict,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [
        {
            **h.meta,
            "start": h.start,
            "end": h.end,
            "left": h.left,
            "keyword": h.keyword,
            "right": h.right,
        }
        for h in hits
    ]
    columns = [
        "source",
        "row",
        *(["speaker"] if speaker else []),
        "start",
        "end",
        "left",
        "keyword",
        "right",
    ]
    result = pd.DataFrame(rows, columns=columns)
    if not args.json and not args.out:
        for h in hits[: args.top]:
            who = f"{h.meta.get('speaker')}：" if speaker else ""
            print(f"{h.meta['row']:>5} {who}{h.line(args.window)}")
        print(f"{len(hits)} hits")
        return 0
    _emit(result, args, limit=False)
    return 0


def _cooccur(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text.cooccur import cooccurrence

    result = cooccurrence(_docs(args, data), min_count=args.min_count, top=args.top)
    _emit(result, args)
    return 0


def _aspects(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text.aspects import aspect_table

    table = aspect_table(data.frame[data.text_column].tolist(), userdict=args.userdict)
    if args.json:
        print(json.dumps({"aspects": table}, ensure_ascii=False, indent=2))
        return 0
    rows = pd.DataFrame(
        [{k: r[k] for k in ("aspect", "mentions", "positive", "negative")} for r in table],
        columns=["aspect", "mentions", "positive", "negative"],
    )
    _emit(rows, args)
    return 0


def _themes(args: argparse.Namespace, data: TextInput) -> int:
    from analysis.text.themes import find_themes

    texts = data.frame[data.text_column].tolist()
    themes = [
        t.as_dict()
        for t in find_themes(texts, n_themes=args.themes, seed=args.seed, userdict=args.userdict)
    ]
    if args.json:
        print(json.dumps({"themes": themes}, ensure_ascii=False, indent=2))
        return 0
    rows = pd.DataFrame(
        [{**t, "terms": "、".join(t["terms"])} for t in themes],
        columns=["label", "count", "terms"],
    )[["label", "count", "terms"]]
    _emit(rows, args)
    return 0


def _emit(result: pd.DataFrame, args: argparse.Namespace, *, limit: bool = True) -> None:
    if args.out:
        _write(result, Path(args.out))
    if args.json:
        print(
            json.dumps(
                result.to_dict("records"), ensure_ascii=False, indent=2, default=_json_default
            )
        )
    elif not args.out:
        table = result.head(args.top) if limit else result
        print(table.to_string(index=False) if len(table) else "(nothing found)")


def _write(frame: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(
            json.dumps(
                frame.to_dict("records"), ensure_ascii=False, indent=2, default=_json_default
            ),
            encoding="utf-8",
        )
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:  # UTF-8 with BOM, so that Excel opens the Chinese correctly
        frame.to_csv(path, index=False, encoding="utf-8-sig")


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    return str(value)
