"""nahr.process_batch and friends, without Spark."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import nahr
from nahr import tables

REPO = Path(__file__).resolve().parents[2]
PAGE = (REPO / "samples" / "ar-wordpress-article.html").read_bytes()


def test_process_batch_gives_the_five_tables_with_the_contract_schemas():
    batch = pa.record_batch(
        {
            "html": pa.array([PAGE, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(4000)], pa.binary()),
            "source": ["a.html", "image.html"],
        }
    )
    out = nahr.process_batch(batch)
    assert list(out) == list(nahr.TABLES)
    for name, rb in out.items():
        assert isinstance(rb, pa.RecordBatch)
        assert rb.schema == nahr.table_schema(name), name
    assert out["documents"].column("source").to_pylist() == ["a.html"]
    assert out["documents"].column("lang").to_pylist() == ["ar"]
    assert out["tokens"].num_rows > 50
    assert out["errors"].to_pylist()[0]["kind"] == "binary"
    # A string column is taken as text; the same page then gives the same text.
    text = nahr.process_batch(pa.record_batch({"html": [PAGE.decode()], "source": ["a.html"]}))
    assert text["documents"].column("text") == out["documents"].column("text")


def test_pipeline_argument_forms(tmp_path):
    batch = pa.record_batch({"html": pa.array([PAGE], pa.binary())})
    text_only = 'name = "t"\nstages = ["clean"]\n'
    out = nahr.process_batch(batch, text_only, parallel=False)
    assert out["documents"].num_rows == 1 and out["tokens"].num_rows == 0
    file = tmp_path / "p.toml"
    file.write_text(text_only)
    assert nahr.Pipeline(str(file)).stages == ["clean"]
    assert nahr.Pipeline(file).name == "t"
    assert nahr.Pipeline(REPO / "pipelines" / "arabic-news.toml").name == "arabic-news"
    with pytest.raises(ValueError, match="not valid TOML"):
        nahr.process_batch(batch, "stages = [")
    with pytest.raises(ValueError, match="cannot read pipeline file"):
        nahr.process_batch(batch, str(tmp_path / "missing.toml"))
    with pytest.raises(ValueError, match="no `html` column"):
        nahr.process_batch(pa.record_batch({"body": [b"x"]}))


def test_process_file_reads_containers_like_nahr_run():
    out = nahr.process_file(REPO / "samples" / "crawl.warc.gz", "crawl.warc.gz")
    sources = out["documents"].column("source").to_pylist()
    assert sources and all(s.startswith("crawl.warc.gz#urn:uuid:") for s in sources)
    assert all(u is not None for u in out["documents"].column("url").to_pylist())


def test_pack_and_unpack_round_trip():
    batch = pa.record_batch({"html": pa.array([PAGE], pa.binary()), "source": ["a.html"]})
    out = nahr.process_batch(batch)
    packed = pa.Table.from_batches(list(tables.pack(out)), schema=tables.PACKED_SCHEMA)
    assert packed.column("table").to_pylist() == ["documents", "sentences", "tokens", "entities"]
    assert packed.column("rows").to_pylist()[2] == out["tokens"].num_rows
    for name in nahr.TABLES:
        back = list(tables.unpack(packed, name, with_lang=False))
        rows = [r for b in back for r in b.to_pylist()]
        assert rows == out[name].to_pylist(), name
        assert all(b.schema == nahr.table_schema(name) for b in back), name
    tokens = [b for b in tables.unpack(packed, "tokens")]
    assert {lang for b in tokens for lang in b.column("lang").to_pylist()} == {"ar"}
