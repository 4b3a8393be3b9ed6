//! End-to-end tests of the backbone: inputs, decoding, the dataflow, the Parquet contract,
//! failures as data, atomic files, determinism and the CLI's fatal errors.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

type Row = BTreeMap<String, String>;

fn docs_by_source(out: &Path) -> BTreeMap<String, Row> {
    read_table(out, "documents")
        .into_iter()
        .map(|r| (r["source"].clone(), r))
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn seed_page_gives_the_same_text_from_utf8_and_windows_1256() {
    let Some(data) = shared_data("seed_page_gives_the_same_text_from_utf8_and_windows_1256") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let seed = data.join("seed");
    run_ok(
        &[
            &seed.join("article-utf8.html"),
            &seed.join("article-windows1256.html"),
        ],
        &out,
        &[],
    );
    let docs = docs_by_source(&out);
    let utf8 = &docs["article-utf8.html"];
    let legacy = &docs["article-windows1256.html"];
    assert_eq!(legacy["encoding"], "windows-1256");
    assert_eq!(legacy["encoding_source"], "meta");
    assert_eq!(utf8["encoding"], "UTF-8");
    assert_eq!(
        utf8["text"], legacy["text"],
        "both encodings give the same text"
    );
    assert_eq!(utf8["title"], legacy["title"]);
    // The article's own sentences (from the scraped article.txt) are in the text.
    let article = std::fs::read_to_string(seed.join("article.txt")).unwrap();
    let sentences: Vec<&str> = article
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() > 80)
        .collect();
    assert!(sentences.len() >= 3, "the seed article has long paragraphs");
    let text = &utf8["text"];
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = normalise(text);
    for s in sentences.iter().take(3) {
        let first_words: String = normalise(s).chars().take(60).collect();
        assert!(
            text.contains(&first_words),
            "text lacks the article sentence starting {first_words:?}"
        );
    }
}

#[test]
fn offsets_give_the_surface_for_every_token_and_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut inputs = vec![samples()];
    if let Some(data) = shared_data("offsets_give_the_surface (seed part)") {
        inputs.push(data.join("seed/article-utf8.html"));
    }
    let refs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    run_ok(&refs, &out, &[]);
    let texts: BTreeMap<String, String> = read_table(&out, "documents")
        .into_iter()
        .map(|r| (r["doc_id"].clone(), r["text"].clone()))
        .collect();
    let langs: BTreeMap<String, String> = read_table(&out, "documents")
        .into_iter()
        .map(|r| (r["doc_id"].clone(), r["lang"].clone()))
        .collect();
    let tokens = read_table(&out, "tokens");
    assert!(tokens.len() > 500);
    let mut seen_langs = std::collections::BTreeSet::new();
    for t in &tokens {
        let text = &texts[&t["doc_id"]];
        let (s, e): (usize, usize) = (t["start"].parse().unwrap(), t["end"].parse().unwrap());
        assert_eq!(cp_slice(text, s, e), t["text"], "token {t:?}");
        assert!(s < e, "empty token {t:?}");
        seen_langs.insert(langs[&t["doc_id"]].clone());
    }
    assert!(
        seen_langs.contains("ar") && seen_langs.contains("en"),
        "both Arabic and English were checked: {seen_langs:?}"
    );
    let sentences = read_table(&out, "sentences");
    assert!(!sentences.is_empty());
    for s in &sentences {
        let text = &texts[&s["doc_id"]];
        let (a, b): (usize, usize) = (s["start"].parse().unwrap(), s["end"].parse().unwrap());
        let span = cp_slice(text, a, b);
        assert!(a < b && b <= text.chars().count(), "sentence {s:?}");
        assert_eq!(
            span.trim(),
            span,
            "sentences do not start or end with white space: {span:?}"
        );
    }
    // Every token lies inside its sentence.
    let spans: BTreeMap<(String, String), (usize, usize)> = sentences
        .iter()
        .map(|s| {
            (
                (s["doc_id"].clone(), s["sent_idx"].clone()),
                (s["start"].parse().unwrap(), s["end"].parse().unwrap()),
            )
        })
        .collect();
    for t in &tokens {
        let (a, b) = spans[&(t["doc_id"].clone(), t["sent_idx"].clone())];
        let (s, e): (usize, usize) = (t["start"].parse().unwrap(), t["end"].parse().unwrap());
        assert!(
            a <= s && e <= b,
            "token {t:?} outside its sentence {a}..{b}"
        );
    }
}

#[test]
fn containers_give_the_same_documents_as_plain_files() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let packed = tmp.path().join("packed");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&packed).unwrap();
    let pages: Vec<(String, Vec<u8>)> = ["ar-wordpress-article.html", "ar-legacy-1256.html"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(samples().join(n)).unwrap()))
        .collect();
    let mut warc = Vec::new();
    let mut jsonl = String::new();
    for (i, (name, bytes)) in pages.iter().enumerate() {
        std::fs::write(plain.join(name), bytes).unwrap();
        // zstd-compressed HTML
        let z = zstd::encode_all(&bytes[..], 3).unwrap();
        std::fs::write(packed.join(format!("{name}.zst")), z).unwrap();
        // WARC: the windows-1256 page has no declaration, so give the charset in the header
        let ct = if name.contains("1256") {
            "text/html; charset=windows-1256"
        } else {
            "text/html"
        };
        nahr::input::warc::write_response_record(
            &mut warc,
            &format!("urn:uuid:{i}"),
            &format!("http://x.example/{i}"),
            "2024-01-02T03:04:05",
            ct,
            bytes,
        )
        .unwrap();
        // JSONL holds text, so decode the legacy page first
        let (text, _, _) = encoding_rs::WINDOWS_1256.decode(bytes);
        let html = if name.contains("1256") {
            text.into_owned()
        } else {
            String::from_utf8(bytes.clone()).unwrap()
        };
        jsonl.push_str(
            &serde_json::json!({"html": html, "url": format!("http://x.example/{i}")}).to_string(),
        );
        jsonl.push('\n');
    }
    std::fs::write(packed.join("crawl.warc.gz"), gzip(&warc)).unwrap();
    std::fs::write(packed.join("pages.jsonl.gz"), gzip(jsonl.as_bytes())).unwrap();
    let out_plain = tmp.path().join("out-plain");
    let out_packed = tmp.path().join("out-packed");
    run_ok(&[&plain], &out_plain, &[]);
    run_ok(&[&packed], &out_packed, &[]);
    let plain_docs = docs_by_source(&out_plain);
    let packed_docs = read_table(&out_packed, "documents");
    assert_eq!(
        packed_docs.len(),
        6,
        "two pages in each of three containers"
    );
    for d in &packed_docs {
        let name = if d["source"].ends_with(".zst") {
            d["source"].trim_end_matches(".zst").to_string()
        } else {
            let i: usize = d["url"].rsplit('/').next().unwrap().parse().unwrap();
            pages[i].0.clone()
        };
        let p = &plain_docs[&name];
        for col in [
            "text",
            "title",
            "lang",
            "n_tokens",
            "n_sentences",
            "n_entities",
        ] {
            assert_eq!(d[col], p[col], "column {col} of {} vs {name}", d["source"]);
        }
        if d["source"].contains(".warc.gz#") {
            assert_eq!(d["fetched_at"], "2024-01-02T03:04:05");
            assert!(d["source"].starts_with("crawl.warc.gz#urn:uuid:"));
        }
        if d["source"].contains(".jsonl.gz#") {
            assert!(d["source"] == "pages.jsonl.gz#1" || d["source"] == "pages.jsonl.gz#2");
        }
    }
}

#[test]
fn bad_records_become_error_rows_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let good = std::fs::read(samples().join("ar-wordpress-article.html")).unwrap();
    std::fs::write(input.join("good.html"), &good).unwrap();
    // A gzip file whose member is corrupt in the middle.
    let mut corrupt = gzip(&good);
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 40] {
        *b ^= 0x5a;
    }
    std::fs::write(input.join("corrupt.html.gz"), &corrupt).unwrap();
    // A WARC whose second gzip member is corrupt: the first record is still read.
    let mut w1 = Vec::new();
    nahr::input::warc::write_response_record(
        &mut w1,
        "urn:uuid:a",
        "http://a.example/",
        "2024-01-01T00:00:00Z",
        "text/html; charset=utf-8",
        &good,
    )
    .unwrap();
    let mut w2 = w1.clone();
    w2[20] = b'X';
    let mut warc = gzip(&w1);
    let mut bad_member = gzip(&w2);
    let m = bad_member.len() / 2;
    bad_member[m..m + 30].iter_mut().for_each(|b| *b ^= 0xff);
    warc.extend_from_slice(&bad_member);
    std::fs::write(input.join("crawl.warc.gz"), &warc).unwrap();
    // A binary file named .html, an empty file, and a 50 MB page.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 5000));
    std::fs::write(input.join("image.html"), &png).unwrap();
    std::fs::write(input.join("empty.html"), b"").unwrap();
    let mut huge = b"<html><body>".to_vec();
    while huge.len() < 50 << 20 {
        huge.extend_from_slice(b"<p>filler paragraph of a very large page</p>\n");
    }
    std::fs::write(input.join("huge.html"), &huge).unwrap();
    // Bad JSON lines between good ones.
    let line = serde_json::json!({"html": String::from_utf8(good.clone()).unwrap(), "url": "http://j.example/1"}).to_string();
    std::fs::write(
        input.join("pages.jsonl"),
        format!("{line}\nnot json at all\n{{\"body\": \"no html field\"}}\n{line}\n"),
    )
    .unwrap();

    let out = tmp.path().join("out");
    let o = nahr(&[
        "run",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "the run finishes: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("errors"),
        "the summary reports errors: {stderr}"
    );
    let docs = docs_by_source(&out);
    let errors = read_table(&out, "errors");
    let error_of = |source: &str| {
        errors
            .iter()
            .find(|e| e["source"].starts_with(source))
            .unwrap_or_else(|| panic!("no error row for {source}: {errors:?}"))
    };
    assert_eq!(error_of("corrupt.html.gz")["kind"], "io");
    assert_eq!(error_of("image.html")["kind"], "binary");
    assert_eq!(error_of("image.html")["stage"], "decode");
    assert_eq!(error_of("huge.html")["kind"], "oversize");
    assert_eq!(error_of("pages.jsonl#2")["kind"], "json");
    assert_eq!(error_of("pages.jsonl#3")["kind"], "missing_field");
    assert!(
        errors
            .iter()
            .any(|e| e["source"].starts_with("crawl.warc.gz#") && e["stage"] == "read"),
        "{errors:?}"
    );
    // Everything good was written.
    assert!(docs.contains_key("good.html"));
    assert!(docs.contains_key("pages.jsonl#1") && docs.contains_key("pages.jsonl#4"));
    assert!(docs.contains_key("crawl.warc.gz#urn:uuid:a"));
    assert_eq!(
        docs["empty.html"]["text"], "",
        "an empty file is an empty document"
    );
    assert_eq!(docs["empty.html"]["n_tokens"], "0");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["counts"]["errors"].as_u64().unwrap() as usize,
        errors.len()
    );
    assert_eq!(
        manifest["counts"]["documents"].as_u64().unwrap() as usize,
        docs.len()
    );
    // One thread (which reads, processes and writes by itself) gives the same rows.
    let one = tmp.path().join("one");
    run_ok(&[&input], &one, &["--threads", "1"]);
    let sorted = |out: &Path, table: &str| {
        let mut rows: Vec<String> = read_table(out, table)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        rows.sort();
        rows
    };
    for table in ["documents", "errors"] {
        assert_eq!(sorted(&out, table), sorted(&one, table), "{table}");
    }
}

#[test]
fn same_input_twice_gives_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    run_ok(&[&samples()], &a, &["--threads", "2"]);
    run_ok(&[&samples()], &b, &["--threads", "1"]);
    for table in ["documents", "sentences", "tokens", "entities", "errors"] {
        let mut ra: Vec<String> = read_table(&a, table)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        let mut rb: Vec<String> = read_table(&b, table)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        ra.sort();
        rb.sort();
        assert_eq!(ra, rb, "table {table} differs between runs");
    }
    assert_eq!(read_table(&a, "documents").len(), 7);
}

#[test]
fn files_rotate_at_max_rows_and_every_table_is_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&[&samples()], &out, &["--max-rows-per-file", "100"]);
    let token_files = table_files(&out, "tokens");
    let rows = read_table(&out, "tokens").len();
    assert!(
        token_files.len() >= rows.div_ceil(100) && token_files.len() > 2,
        "{} files for {rows} rows",
        token_files.len()
    );
    for f in &token_files {
        let n: usize = read_file(f).unwrap().iter().map(|b| b.num_rows()).sum();
        assert!(n <= 100);
    }
    // Tables without rows still have a readable (empty) file.
    assert_eq!(table_files(&out, "errors").len(), 1);
    assert!(read_table(&out, "errors").is_empty());
}

#[test]
fn killed_run_leaves_no_unreadable_file_under_a_final_name() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.jsonl");
    let page =
        String::from_utf8(std::fs::read(samples().join("ar-wordpress-article.html")).unwrap())
            .unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    for i in 0..4000 {
        let html = page.replace("حماة", &format!("حماة {i}"));
        writeln!(f, "{}", serde_json::json!({"html": html})).unwrap();
    }
    drop(f);
    let out = tmp.path().join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nahr"))
        .args([
            "run",
            "--quiet",
            "--threads",
            "1",
            "--max-rows-per-file",
            "2000",
            "--input",
        ])
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some files are complete, then SIGKILL.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let done = out.join("tokens").is_dir() && !table_files(&out, "tokens").is_empty();
        if done || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run was killed before it finished (make the input larger if this fails)"
    );
    assert!(
        !out.join("manifest.json").exists(),
        "no manifest for an unfinished run"
    );
    let mut finals = 0;
    for table in ["documents", "sentences", "tokens", "entities", "errors"] {
        for file in table_files(&out, table) {
            read_file(&file).unwrap_or_else(|e| {
                panic!(
                    "{} is under its final name but unreadable: {e}",
                    file.display()
                )
            });
            finals += 1;
        }
    }
    assert!(
        finals > 0,
        "some files were complete when the run was killed"
    );
    // A new run with --overwrite cleans up the temporary files left behind.
    run_ok(&[&samples()], &out, &[]);
    let leftovers: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn fatal_problems_stop_before_work_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let missing = nahr(&[
        "run",
        "--input",
        "/no/such/path",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
    assert!(
        !out.exists(),
        "nothing is created for a run that cannot start"
    );

    let bad_pipeline = tmp.path().join("bad.toml");
    std::fs::write(&bad_pipeline, "stages = [\"clean\", \"no-such-stage\"]\n").unwrap();
    let o = nahr(&[
        "run",
        "--input",
        samples().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--pipeline",
        bad_pipeline.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown stage `no-such-stage`"));

    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = nahr(&[
        "run",
        "--input",
        samples().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--overwrite"));
    run_ok(&[&samples()], &out, &[]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine",
        "--overwrite leaves the user's files alone"
    );

    let file_as_output = tmp.path().join("a-file");
    std::fs::write(&file_as_output, "x").unwrap();
    let o = nahr(&[
        "run",
        "--input",
        samples().to_str().unwrap(),
        "--output",
        file_as_output.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn limit_shard_and_input_lists_select_records() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&[&samples()], &out, &["--limit", "3"]);
    assert_eq!(read_table(&out, "documents").len(), 3);

    let list = tmp.path().join("list.txt");
    let s = samples();
    std::fs::write(
        &list,
        format!(
            "# two files\n{}\n\n{}\n",
            s.join("ar-legacy-1256.html").display(),
            s.join("pages.jsonl").display()
        ),
    )
    .unwrap();
    let o = nahr(&[
        "run",
        "--quiet",
        "--overwrite",
        "--input",
        &format!("@{}", list.display()),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(read_table(&out, "documents").len(), 3);

    let glob = format!("{}/*.html", s.display());
    let o = nahr(&[
        "run",
        "--quiet",
        "--overwrite",
        "--input",
        &glob,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(read_table(&out, "documents").len(), 2);

    let mut all = Vec::new();
    for i in 0..3 {
        let shard_out = tmp.path().join(format!("shard{i}"));
        run_ok(&[&samples()], &shard_out, &["--shard", &format!("{i}/3")]);
        all.extend(
            read_table(&shard_out, "documents")
                .into_iter()
                .map(|r| r["doc_id"].clone()),
        );
    }
    all.sort();
    let mut whole: Vec<String> = {
        let w = tmp.path().join("whole");
        run_ok(&[&samples()], &w, &[]);
        read_table(&w, "documents")
            .into_iter()
            .map(|r| r["doc_id"].clone())
            .collect()
    };
    whole.sort();
    assert_eq!(
        all, whole,
        "the shards together are the whole corpus, without overlap"
    );
}

#[test]
fn schema_doc_matches_the_code() {
    let o = nahr(&["schema"]);
    assert!(o.status.success());
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SCHEMA.md"))
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        doc,
        "docs/SCHEMA.md is stale: run `make schema-doc`"
    );
}

#[test]
fn written_schema_is_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&[&samples()], &out, &[]);
    for table in nahr::output::schema::TABLES {
        for f in table_files(&out, table.name) {
            let batches = read_file(&f).unwrap();
            let file = std::fs::File::open(&f).unwrap();
            let builder =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .unwrap();
            assert_eq!(
                builder.schema().as_ref(),
                table.arrow_schema().as_ref(),
                "{}",
                f.display()
            );
            if builder.metadata().num_row_groups() > 0 {
                assert!(matches!(
                    builder.metadata().row_group(0).column(0).compression(),
                    parquet::basic::Compression::ZSTD(_)
                ));
            }
            drop(batches);
        }
    }
}

#[test]
fn every_shipped_pipeline_file_loads_and_names_its_stages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let p = nahr::pipeline::Pipeline::from_file(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!p.stages.is_empty());
            n += 1;
        }
    }
    assert!(n >= 2);
    let bad = nahr::pipeline::Pipeline::from_table(
        toml::from_str("stages = [\"clean\"]\n[tokenize]\nteh_marbuta = true\n").unwrap(),
        None,
    );
    assert!(bad.unwrap_err().contains("not in `stages`"));
}

#[test]
fn user_list_from_a_pipeline_file_tags_entities() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/arabic-news.toml");
    run_ok(
        &[&samples().join("ar-wordpress-article.html")],
        &out,
        &["--pipeline", pipeline.to_str().unwrap()],
    );
    let entities = read_table(&out, "entities");
    assert!(
        entities
            .iter()
            .any(|e| e["text"] == "الهلال الأحمر العربي السوري"
                && e["label"] == "ORG"
                && e["origin"] == "list"),
        "{entities:?}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"arabic-news\""));
}

#[test]
fn pages_cut_by_a_work_bound_are_marked_truncated() {
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = tmp.path().join("few-nodes.toml");
    std::fs::write(&pipeline, "stages = [\"clean\"]\n[clean]\nmax_nodes = 60\n").unwrap();
    let page = samples().join("ar-wordpress-article.html");
    let cut = tmp.path().join("cut");
    run_ok(&[&page], &cut, &["--pipeline", pipeline.to_str().unwrap()]);
    let whole = tmp.path().join("whole");
    run_ok(&[&page], &whole, &[]);
    let cut = read_table(&cut, "documents");
    let whole = read_table(&whole, "documents");
    assert_eq!(cut[0]["truncated"], "true");
    assert_eq!(whole[0]["truncated"], "false");
    let chars = |rows: &[Row]| rows[0]["n_chars"].parse::<usize>().unwrap();
    assert!(
        chars(&cut) < chars(&whole),
        "{} vs {}",
        chars(&cut),
        chars(&whole)
    );
}
