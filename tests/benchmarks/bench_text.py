"""Speed of the Chinese text pipeline against raw jieba segmentation, in the same run.

    python tests/benchmarks/bench_text.py [--mb 1.0] [--processes 2] [--no-docs]

Text: reviews of ../shared/data/sentiment concatenated to --mb megabytes of UTF-8 (one
document per review). Baseline: ``lcut`` of a jieba tokenizer with the same dictionary on the
same documents. Pipeline: normalise, segment with offsets and tags, content terms, TF-IDF
keywords, and sentence-level plus whole-text sentiment for every document, streamed (and,
for comparison, with every document kept until the end). Each is timed as
the best of 3 runs; the ratio of throughputs is the figure to watch. A last run shows the
multi-process path (``score_texts(processes=N)``) and that memory stays flat (tracemalloc
peak while streaming twice as many documents).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
import tracemalloc
from pathlib import Path

# Date and machine of the run recorded in docs/benchmarks.md (edit when re-measuring).
MEASURED = "2026-11-24 on 2 cores, Python 3.11.7, Debian 12"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.text.corpus import Document  # noqa: E402
from analysis.text.keywords import tfidf_keywords  # noqa: E402
from analysis.text.normalise import normalise  # noqa: E402
from analysis.text.sentiment import document_sentiment, score_texts  # noqa: E402
from analysis.text.sentiment_model import shipped_model  # noqa: E402
from analysis.text.tokenize import get_tokenizer  # noqa: E402

# ../shared/data from the main checkout; a worktree under /work/wt finds it further up
DATA = next(
    (
        p / "shared" / "data" / "sentiment" / "reviews_9_categories.csv"
        for p in ROOT.parents
        if (p / "shared" / "data" / "sentiment").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "sentiment" / "reviews_9_categories.csv",
)
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Chinese text engine: speed"


def documents(megabytes: float) -> list[str]:
    texts = pd.read_csv(DATA)["text"].dropna().tolist()
    out, size, i = [], 0, 0
    while size < megabytes * 1e6:
        text = texts[i % len(texts)]
        out.append(text)
        size += len(text.encode("utf-8")) + 1
        i += 1
    return out


def best_of(fn, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def pipeline(texts, tokenizer, model, keep_documents: bool = False):
    """Keywords of all *texts* and the sentiment of each, as the engine streams them: TF-IDF
    counts a document's terms as it goes by, and its tokens are dropped after (memory flat in
    the number of documents). *keep_documents*: hold every document until TF-IDF runs at the
    end instead, as a caller that keeps them for later does."""
    scores = []

    def analysed():
        for raw in texts:
            text = normalise(raw)
            doc = Document(text, tuple(tokenizer.tokenize(text)))
            scores.append(document_sentiment(doc, model=model, tokenizer=tokenizer))
            yield doc

    docs = list(analysed()) if keep_documents else analysed()
    return tfidf_keywords(docs, top=50), scores


def update_docs(markdown: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=\n## |\Z)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOCS}: no section {SECTION!r}")
    DOCS.write_text(
        pattern.sub(lambda _: SECTION + "\n\n" + markdown.strip() + "\n", text, 1), encoding="utf-8"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    texts = documents(args.mb)
    chars = sum(len(t) for t in texts)
    tokenizer = get_tokenizer()
    model = shipped_model()
    raw = tokenizer._jieba  # the jieba.Tokenizer itself: the baseline is its plain lcut
    pipeline(texts[:200], tokenizer, model)  # warm caches (tags, stop words, IDF table)

    t_jieba = best_of(lambda: [raw.lcut(t) for t in texts])
    t_pipe = best_of(lambda: pipeline(texts, tokenizer, model))
    t_kept = best_of(lambda: pipeline(texts, tokenizer, model, keep_documents=True))
    ratio = t_jieba / t_pipe

    t_single = best_of(lambda: list(score_texts(texts, model=model)), runs=1)
    t_multi = best_of(
        lambda: list(score_texts(texts, model=model, processes=args.processes, chunksize=500)),
        runs=1,
    )

    def peak(n):
        tracemalloc.start()
        for _ in score_texts((texts[i % len(texts)] for i in range(n)), model=model):
            pass
        value = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return value / 1e6

    peak_small, peak_large = peak(5000), peak(20000)

    mb = args.mb
    lines = [
        f"Measured {MEASURED}.",
        "",
        f"`python tests/benchmarks/bench_text.py` on {mb:g} MB of review text ({len(texts)} "
        f"documents, {chars} characters), best of 3, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs "
        f"({platform.machine()}, shared with other jobs while measured).",
        "",
        "| step | seconds | MB/s |",
        "|---|---:|---:|",
        f"| raw `jieba` `lcut` (same dictionary) | {t_jieba:.2f} | {mb / t_jieba:.2f} |",
        "| whole pipeline, streaming: normalise, segment with offsets and POS, content terms, "
        f"TF-IDF, sentence + text sentiment | {t_pipe:.2f} | {mb / t_pipe:.2f} |",
        "| the same, every document's tokens kept until TF-IDF at the end "
        f"| {t_kept:.2f} | {mb / t_kept:.2f} |",
        "",
        f"**Throughput ratio pipeline / raw jieba: {ratio:.2f}** (target ≥ 0.50: "
        f"{'met' if ratio >= 0.5 else 'NOT met'}); with every document kept: "
        f"{t_jieba / t_kept:.2f}.",
        "",
        f"Batch scoring (`score_texts`): 1 process {t_single:.2f} s, {args.processes} "
        f"processes {t_multi:.2f} s (speed-up {t_single / t_multi:.2f}×; includes starting "
        "the workers and loading the dictionary in each).",
        f"Memory while streaming: tracemalloc peak {peak_small:.1f} MB for 5,000 documents, "
        f"{peak_large:.1f} MB for 20,000.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_docs:
        update_docs(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
