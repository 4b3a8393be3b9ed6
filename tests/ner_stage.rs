//! The `entities` stage end to end on small texts: tokenize, then entities, with the built-in
//! lists and a user list given through pipeline options.

use nahr::document::{BioTag, Document, EntityLabel, EntityOrigin};
use nahr::stages::build_stage;

fn run(text: &str, lang: &str, options: toml::Table) -> Document {
    let mut doc = Document {
        text: text.to_string(),
        lang: Some(lang.to_string()),
        ..Document::default()
    };
    let tokenize = build_stage("tokenize", toml::Table::new()).unwrap();
    tokenize.process(&mut doc).unwrap();
    let entities = build_stage("entities", options).unwrap();
    entities.process(&mut doc).unwrap();
    doc
}

fn user_list_options(dir: &std::path::Path) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert(
        "lists".into(),
        toml::Value::Array(vec![toml::Value::String("actors.tsv".into())]),
    );
    t.insert(
        "base_dir".into(),
        toml::Value::String(dir.display().to_string()),
    );
    t
}

#[test]
fn user_list_match_leaves_out_attached_proclitic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("actors.tsv"),
        "# my actors\nقوات سوريا الديمقراطية\tORG\n",
    )
    .unwrap();
    let text = "أعلنت لقوات سوريا الديمقراطية أمس.";
    let doc = run(text, "ar", user_list_options(dir.path()));
    let org: Vec<_> = doc
        .entities
        .iter()
        .filter(|e| e.label == EntityLabel::Org)
        .collect();
    assert_eq!(org.len(), 1, "{:?}", doc.entities);
    let e = org[0];
    let span: String = text.chars().skip(e.start).take(e.end - e.start).collect();
    assert_eq!(span, "قوات سوريا الديمقراطية");
    assert_eq!(&text[e.byte_start..e.byte_end], span);
    assert_eq!(e.origin, EntityOrigin::List);
    assert_eq!(e.norm, "قوات سوريا الديمقراطيه");
    assert!((0.0..=1.0).contains(&e.score));
    assert_eq!(doc.tokens[e.tok_start].ner, BioTag::B(EntityLabel::Org));
    assert_eq!(doc.tokens[e.tok_end - 1].ner, BioTag::I(EntityLabel::Org));
}

#[test]
fn builtin_list_finds_places_in_any_language() {
    let doc = run(
        "Die Reise ging von Damaskus nach Syria und Lebanon.",
        "de",
        toml::Table::new(),
    );
    let found: Vec<&str> = doc
        .entities
        .iter()
        .map(|e| &doc.text[e.byte_start..e.byte_end])
        .collect();
    assert_eq!(found, ["Syria", "Lebanon"]);
    assert!(doc.entities.iter().all(|e| e.label == EntityLabel::Loc));
}

#[test]
fn builtin_arabic_list_has_geonames_towns_but_not_word_like_names() {
    let mut options = toml::Table::new();
    options.insert("models".into(), toml::Value::Boolean(false));
    // منبج and إدلب are GeoNames towns (with a proclitic: وإدلب); الباب is a town too, but
    // also the everyday word "the door", so the list leaves it out.
    let doc = run("وصل الوفد إلى منبج وإدلب ثم أغلق الباب .", "ar", options);
    let found: Vec<(&str, EntityLabel)> = doc
        .entities
        .iter()
        .map(|e| (&doc.text[e.byte_start..e.byte_end], e.label))
        .collect();
    assert_eq!(
        found,
        [("منبج", EntityLabel::Loc), ("إدلب", EntityLabel::Loc)]
    );
    assert!(doc.entities.iter().all(|e| e.origin == EntityOrigin::List));
}

#[test]
fn missing_user_list_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = match build_stage("entities", user_list_options(dir.path())) {
        Ok(_) => panic!("a missing list must be an error"),
        Err(e) => e,
    };
    assert!(err.contains("actors.tsv"), "{err}");
    let mut bad = toml::Table::new();
    bad.insert("listz".into(), toml::Value::Array(vec![]));
    assert!(build_stage("entities", bad).is_err());
}

/// The entities of a document as (span text, label, origin).
fn mentions(doc: &Document) -> Vec<(String, EntityLabel, EntityOrigin)> {
    doc.entities
        .iter()
        .map(|e| {
            let span: String = doc
                .text
                .chars()
                .skip(e.start)
                .take(e.end - e.start)
                .collect();
            assert_eq!(&doc.text[e.byte_start..e.byte_end], span);
            (span, e.label, e.origin)
        })
        .collect()
}

fn org_phrase_options(on: bool) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("org_phrases".into(), toml::Value::Boolean(on));
    t
}

#[test]
fn organisation_head_and_name_become_one_org_without_the_proclitic() {
    // A head noun with a proclitic (ل + قوات), a place name, a nisba adjective; then a
    // generic phrase (قوات الاحتلال) that names no organisation.
    let text = "قال بيان لقوات لبنان الجنوبية إن الهجوم فشل. وانسحبت قوات الاحتلال من المدينة.";
    let doc = run(text, "ar", toml::Table::new());
    let found = mentions(&doc);
    assert_eq!(
        found,
        [(
            "قوات لبنان الجنوبية".to_string(),
            EntityLabel::Org,
            EntityOrigin::List
        )],
        "{:?}",
        doc.entities
    );
    let e = &doc.entities[0];
    assert_eq!(e.norm, "قوات لبنان الجنوبيه");
    assert!((0.0..=1.0).contains(&e.score));
    assert_eq!(doc.tokens[e.tok_start].ner, BioTag::B(EntityLabel::Org));
    for t in &doc.tokens[e.tok_start + 1..e.tok_end] {
        assert_eq!(t.ner, BioTag::I(EntityLabel::Org));
    }
    // The option turns it off: the place name alone is left, with the model's or list's label.
    let off = run(text, "ar", org_phrase_options(false));
    let found = mentions(&off);
    assert_eq!(found.len(), 1, "{:?}", off.entities);
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("لبنان", EntityLabel::Loc)
    );
    assert!(
        off.tokens
            .iter()
            .all(|t| t.ner != BioTag::B(EntityLabel::Org))
    );
}

#[test]
fn unknown_organisation_pattern_is_a_clear_error() {
    let mut t = toml::Table::new();
    t.insert(
        "org_patterns".into(),
        toml::Value::Array(vec![toml::Value::String("head-everything".into())]),
    );
    let err = build_stage("entities", t).err().unwrap();
    assert!(
        err.contains("head-everything") && err.contains("head-name-nisba"),
        "{err}"
    );
}
