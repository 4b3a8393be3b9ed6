//! The seed page: the extractor must return the article's headline and paragraphs exactly,
//! and none of the WordPress chrome around them. Needs ../shared/data (skips without it).

use std::path::Path;

use nahr::document::Document;
use nahr::extract::{ExtractOptions, extract};
use nahr::stage::Stage;
use nahr::stages::clean::CleanStage;

const SEED: &str = "../shared/data/seed";

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The article as scraped: the headline and body paragraphs of `article.txt`, i.e. its lines
/// after the site-name line and before the first blank filler line of the footer.
fn expected_paragraphs() -> Option<Vec<String>> {
    let text = std::fs::read_to_string(Path::new(SEED).join("article.txt")).ok()?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let body: Vec<String> = lines[1..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| collapse(l))
        .collect();
    Some(body)
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(collapse)
        .filter(|p| !p.is_empty())
        .collect()
}

const CHROME: &[&str] = &[
    "اترك رد",
    "مدونون معجبون",
    "شارك هذا",
    "أحدث المقالات",
    "قوات سوريا الديمقراطية تعلن تقدماً جديداً في الباغوز",
    "المقال السابق",
    "جميع الحقوق محفوظة",
    "الرئيسية",
    "تخطي إلى المحتوى",
    "لن يتم نشر عنوان بريدك الإلكتروني",
    "نشرت في",
];

fn check(html: &str) {
    let Some(expected) = expected_paragraphs() else {
        eprintln!("skipping: {SEED}/article.txt not readable");
        return;
    };
    assert!(
        expected.len() >= 5,
        "article.txt has the headline and paragraphs"
    );
    let ex = extract(html, None, &ExtractOptions::default());
    assert_eq!(ex.extractor, "main");
    assert_eq!(paragraphs(&ex.text), expected, "got:\n{}", ex.text);
    for c in CHROME {
        assert!(!ex.text.contains(c), "boilerplate {c:?} leaked");
    }
    assert_eq!(ex.meta.title.as_deref(), Some(expected[0].as_str()));
    assert_eq!(ex.meta.site_name.as_deref(), Some("صدى الواقع السوري"));
    assert_eq!(
        ex.meta
            .published
            .map(nahr::extract::date::format_day)
            .as_deref(),
        Some("2019-03-04")
    );
    assert_eq!(ex.meta.html_lang.as_deref(), Some("ar"));
}

#[test]
fn seed_utf8_gives_the_article_exactly() {
    match std::fs::read_to_string(Path::new(SEED).join("article-utf8.html")) {
        Ok(html) => check(&html),
        Err(e) => eprintln!("skipping: {SEED}/article-utf8.html: {e}"),
    }
}

#[test]
fn seed_windows_1256_gives_the_same_article() {
    match std::fs::read(Path::new(SEED).join("article-windows1256.html")) {
        Ok(bytes) => {
            let (html, _, had_errors) = encoding_rs::WINDOWS_1256.decode(&bytes);
            assert!(!had_errors);
            check(&html);
        }
        Err(e) => eprintln!("skipping: {SEED}/article-windows1256.html: {e}"),
    }
}

#[test]
fn clean_stage_on_the_seed_sets_language_and_metadata() {
    let Ok(html) = std::fs::read_to_string(Path::new(SEED).join("article-utf8.html")) else {
        eprintln!("skipping: {SEED}/article-utf8.html not readable");
        return;
    };
    let stage = match CleanStage::from_options(toml::Table::new()) {
        Ok(s) => s,
        Err(e) => panic!("default options: {e}"),
    };
    let mut doc = Document {
        html,
        ..Document::default()
    };
    assert!(stage.process(&mut doc).is_ok());
    assert_eq!(doc.lang.as_deref(), Some("ar"));
    assert!(doc.lang_score.is_some_and(|s| s > 0.5));
    assert_eq!(doc.extractor, "main");
    assert_eq!(doc.meta.author.as_deref(), Some("المحرر"));
    assert!(doc.text.starts_with("مظلوم كوباني"));
}
