//! The `tokenize` stage through the stage registry: options, and the invariants of its output
//! (offsets, segments, norms, sentences) on real text — the seed article and the UD raw texts
//! when `../shared/data` is present, and small fixtures always.

use nahr::document::{Document, TokenKind};
use nahr::stages::build_stage;
use std::path::PathBuf;

fn stage(options: &str) -> Result<Box<dyn nahr::stage::Stage>, String> {
    build_stage("tokenize", toml::from_str(options).expect("toml"))
}

fn run(text: &str, options: &str) -> Document {
    let mut doc = Document {
        text: text.to_owned(),
        ..Document::default()
    };
    stage(options)
        .expect("stage")
        .process(&mut doc)
        .expect("process");
    doc
}

fn surface(doc: &Document, i: usize) -> &str {
    doc.slice(doc.tokens[i].byte_start, doc.tokens[i].byte_end)
}

/// The segments of token `i` (its surface alone when it is not split).
fn segments(doc: &Document, i: usize) -> Vec<&str> {
    let t = &doc.tokens[i];
    t.segments_in(doc.token_surface(t)).collect()
}

/// Everything the output contract promises about tokens and sentences.
fn check_invariants(doc: &Document) {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut prev_end = 0;
    let mut norms_end = 0;
    for (i, t) in doc.tokens.iter().enumerate() {
        let s = surface(doc, i);
        assert!(
            !s.is_empty() && !s.chars().any(char::is_whitespace),
            "token {i}: {s:?}"
        );
        assert_eq!(
            chars[t.start..t.end].iter().collect::<String>(),
            s,
            "code points of token {i}"
        );
        assert!(t.byte_start >= prev_end, "tokens overlap at {i}");
        prev_end = t.byte_end;
        let segments: Vec<&str> = t.segments_in(s).collect();
        assert_eq!(segments.len(), t.segments.len());
        if t.segments.is_split() {
            assert!(
                segments.len() >= 2 && segments.iter().all(|p| !p.is_empty()),
                "a split has two non-empty segments at least: {segments:?}"
            );
        }
        assert_eq!(segments.concat(), s, "segments spell the surface");
        if let Some(span) = t.norm {
            assert_eq!(span.range().start, norms_end, "norms follow one another");
            norms_end = span.range().end;
            assert_ne!(
                doc.token_norm(t),
                s,
                "norm is None when equal to the surface"
            );
        }
        let sent = doc.sentences[t.sent_idx as usize];
        assert!(
            sent.byte_start <= t.byte_start && t.byte_end <= sent.byte_end,
            "token {i} outside its sentence"
        );
    }
    assert_eq!(
        norms_end,
        doc.token_norms.len(),
        "the buffer holds only the norms"
    );
    for w in doc.sentences.windows(2) {
        assert!(w[0].byte_end <= w[1].byte_start && w[0].end <= w[1].start);
    }
    for s in &doc.sentences {
        assert_eq!(
            chars[s.start..s.end].iter().collect::<String>(),
            doc.slice(s.byte_start, s.byte_end)
        );
    }
}

#[test]
fn options_are_checked() {
    assert!(stage("").is_ok());
    assert!(stage("teh_marbuta = true\nlanguage = \"ar\"\nsegment = false\nnormalize = true\nline_breaks = false").is_ok());
    let err = stage("teh_marbouta = true")
        .err()
        .expect("unknown option is an error");
    assert!(err.contains("teh_marbouta"), "{err}");
    assert!(stage("language = \"fr\"").is_err());
}

#[test]
fn teh_marbuta_option_changes_only_the_norm() {
    let plain = run("المدرسة", "");
    let folded = run("المدرسة", "teh_marbuta = true");
    assert_eq!(plain.tokens[0].norm, None);
    assert_eq!(plain.token_norm(&plain.tokens[0]), "المدرسة");
    assert!(plain.token_norms.is_empty());
    assert!(folded.tokens[0].norm.is_some());
    assert_eq!(folded.token_norm(&folded.tokens[0]), "المدرسه");
    assert_eq!(surface(&folded, 0), "المدرسة");
}

#[test]
fn kinds_norms_and_segments_on_a_mixed_fixture() {
    let doc = run(
        "أعلنت وزارة الخارجية لقواتها: «نعم». See https://t.co/x or @AP #سوريا 2,500 $ 😀",
        "",
    );
    check_invariants(&doc);
    let find = |s: &str| {
        (0..doc.tokens.len())
            .find(|&i| surface(&doc, i) == s)
            .unwrap_or_else(|| panic!("no token {s}"))
    };
    let norm = |s: &str| doc.token_norm(&doc.tokens[find(s)]);
    assert_eq!(norm("أعلنت"), "اعلنت");
    assert_eq!(segments(&doc, find("لقواتها")), ["ل", "قوات", "ها"]);
    assert!(!doc.tokens[find("وزارة")].segments.is_split());
    assert_eq!(segments(&doc, find("وزارة")), ["وزارة"]);
    assert_eq!(doc.tokens[find("https://t.co/x")].kind, TokenKind::Url);
    assert_eq!(doc.tokens[find("@AP")].kind, TokenKind::Mention);
    assert_eq!(doc.tokens[find("#سوريا")].kind, TokenKind::Hashtag);
    assert_eq!(doc.tokens[find("2,500")].kind, TokenKind::Number);
    assert_eq!(doc.tokens[find("$")].kind, TokenKind::Symbol);
    assert_eq!(doc.tokens[find("😀")].kind, TokenKind::Emoji);
    assert_eq!(doc.tokens[find("«")].kind, TokenKind::Punct);
    assert_eq!(norm("See"), "see");
    assert_eq!(norm("2,500"), "2,500");
    assert_eq!(doc.sentences.len(), 2);
}

#[test]
fn no_clitic_splitting_in_persian_documents() {
    let text = "برای کتابهایشان";
    let mut doc = Document {
        text: text.to_owned(),
        lang: Some("fa".to_owned()),
        ..Document::default()
    };
    stage("")
        .expect("stage")
        .process(&mut doc)
        .expect("process");
    assert!(doc.tokens.iter().all(|t| !t.segments.is_split()));
    let mut doc = Document {
        text: "لقوات".to_owned(),
        lang: Some("ar".to_owned()),
        ..Document::default()
    };
    stage("")
        .expect("stage")
        .process(&mut doc)
        .expect("process");
    assert_eq!(segments(&doc, 0), ["ل", "قوات"]);
}

#[test]
fn line_breaks_end_sentences_in_web_text_by_default() {
    let doc = run("عنوان الخبر\nنص الخبر هنا", "");
    assert_eq!(doc.sentences.len(), 2);
    let doc = run("عنوان الخبر\nنص الخبر هنا", "line_breaks = false");
    assert_eq!(doc.sentences.len(), 1);
}

#[test]
fn real_texts_keep_the_invariants() {
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if !shared.is_dir() {
        eprintln!("SKIP real_texts_keep_the_invariants: ../shared/data is not present");
        return;
    }
    for file in [
        "seed/article.txt",
        "tok/ar-pud-dev.txt",
        "tok/en-ewt-dev.txt",
    ] {
        let text = std::fs::read_to_string(shared.join(file)).expect("read");
        let doc = run(&text, "");
        assert!(
            doc.tokens.len() > 300,
            "{file}: {} tokens",
            doc.tokens.len()
        );
        check_invariants(&doc);
    }
    // The seed article: clitics split in the PADT way, stems kept whole.
    let text = std::fs::read_to_string(shared.join("seed/article.txt")).expect("read");
    let doc = run(&text, "");
    let seg = |w: &str| {
        let i = (0..doc.tokens.len())
            .find(|&i| surface(&doc, i) == w)
            .unwrap_or_else(|| panic!("no token {w}"));
        segments(&doc, i)
    };
    assert_eq!(seg("لقوات"), ["ل", "قوات"]);
    assert_eq!(seg("بالعمل"), ["ب", "العمل"]);
    assert_eq!(seg("سوريا"), ["سوريا"]);
    assert_eq!(
        seg("كوباني"),
        ["كوباني"],
        "a name ending in the letters of a pronoun"
    );
    assert_eq!(seg("الدولي"), ["الدولي"]);
}
