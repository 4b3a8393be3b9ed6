//! `nahr tokenize`: CoNLL-U on standard output, multiword-token ranges for clitics and
//! contractions, paragraphs at blank lines, `--lang` choosing the splitting rules.

use std::io::Write;
use std::process::{Command, Stdio};

fn tokenize(args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nahr"))
        .arg("tokenize")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nahr");
    // The command may exit before reading (bad arguments): a broken pipe is not a failure here.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn writes_conllu_with_multiword_tokens() {
    let (ok, out, err) = tokenize(&[], "قال لأوباما: نعم.\n\nI don't know.\n");
    assert!(ok, "{err}");
    let expected = "# sent_id = 1\n# text = قال لأوباما: نعم.\n\
        1\tقال\t_\t_\t_\t_\t_\t_\t_\t_\n\
        2-3\tلأوباما\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
        2\tل\t_\t_\t_\t_\t_\t_\t_\t_\n\
        3\tأوباما\t_\t_\t_\t_\t_\t_\t_\t_\n\
        4\t:\t_\t_\t_\t_\t_\t_\t_\t_\n\
        5\tنعم\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
        6\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n\
        # sent_id = 2\n# text = I don't know.\n\
        1\tI\t_\t_\t_\t_\t_\t_\t_\t_\n\
        2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
        2\tdo\t_\t_\t_\t_\t_\t_\t_\t_\n\
        3\tn't\t_\t_\t_\t_\t_\t_\t_\t_\n\
        4\tknow\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
        5\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n";
    assert_eq!(out, expected);
}

#[test]
fn lang_selects_the_splitting_rules() {
    let (_, ar, _) = tokenize(&["--lang", "ar"], "لأوباما don't\n");
    assert!(
        ar.contains("1-2\tلأوباما") && !ar.contains("\tn't\t"),
        "{ar}"
    );
    let (_, en, _) = tokenize(&["--lang", "en"], "لأوباما don't\n");
    assert!(
        !en.contains("1-2\tلأوباما") && en.contains("\tn't\t"),
        "{en}"
    );
    let (_, none, _) = tokenize(&["--no-segment"], "لأوباما don't\n");
    assert!(
        !none
            .lines()
            .any(|l| l.split('\t').next().is_some_and(|id| id.contains('-'))),
        "{none}"
    );
}

#[test]
fn rejects_a_bad_language_and_bad_utf8() {
    let (ok, _, err) = tokenize(&["--lang", "fr"], "x\n");
    assert!(!ok && err.contains("fr"), "{err}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nahr"))
        .arg("tokenize")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nahr");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"ok \xff\xfe\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tokenize"));
}
