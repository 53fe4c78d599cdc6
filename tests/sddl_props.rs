//! Untrusted SDDL never panics the parser or the evaluator, and whatever parses
//! renders back to text that parses to the same descriptor.

use proptest::prelude::*;
use writeback_diagnostics::sddl::{self, rights, Right, Sid, Token};

const SEEDS: [&str; 3] = [
    include_str!("fixtures/sddl/domain-root.sddl"),
    include_str!("fixtures/sddl/user-default.sddl"),
    "O:DAG:DAD:PAI(XA;CI;CR;;;WD;(Member_of {SID(BA)}))(RA;CI;;;;WD;(\"Project\",TS,0,\"W\"))(ML;;NW;;;LW)",
];

fn exercise(text: &str) {
    if let Ok(sd) = sddl::parse(text) {
        let rendered = sd.to_string();
        let again = sddl::parse(&rendered).unwrap_or_else(|e| panic!("{rendered:?}: {e}"));
        assert_eq!(again, sd, "{text:?} -> {rendered:?}");
        let token = Token::authenticated(Sid::parse("S-1-5-21-1-2-3-1105").expect("sid"), &[]);
        for r in [Right::RESET_PASSWORD, Right::WRITE_PWD_LAST_SET] {
            let v = sddl::effective(&sd, rights::CLASS_USER, &token, None, &r);
            if let Some(ace) = v.ace {
                assert!(ace.index < sd.aces().len());
            }
        }
        let _ = sddl::inherit(&sd, rights::CLASS_USER, false);
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop::sample::select(b"();:-0123456789abcdefxSDAOGPIC \"{}\xc3".to_vec());
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Replace(i, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_text_never_panics(text in ".{0,300}") {
        exercise(&text);
    }

    #[test]
    fn sddl_like_text_never_panics(text in "[OGDS:PAI()A;CRWPGA0-9a-f\\-S-]{0,200}") {
        exercise(&text);
    }

    #[test]
    fn mutated_valid_sddl_never_panics(seed in 0..SEEDS.len(), edits in prop::collection::vec(edit(), 1..8)) {
        let mut bytes = SEEDS[seed].as_bytes().to_vec();
        for e in edits {
            let n = bytes.len().max(1);
            match e {
                Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
                Edit::Delete(i) => { if !bytes.is_empty() { bytes.remove(i % n); } }
                Edit::Replace(i, b) => { if !bytes.is_empty() { bytes[i % n] = b; } }
            }
        }
        exercise(&String::from_utf8_lossy(&bytes));
    }
}
