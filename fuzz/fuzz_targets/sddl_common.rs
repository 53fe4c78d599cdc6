//! What the SDDL targets do with a descriptor that parsed: render it, re-parse the
//! rendering, and evaluate the writeback rights for a connector-like token.

use writeback_diagnostics::sddl::{self, rights, writeback_rights, Domains, Sid, Token};

pub fn exercise(sd: &sddl::SecurityDescriptor) {
    let domain = Sid::parse("S-1-5-21-1004336348-1177238915-682003330").expect("sid");
    let domains = Domains::single(domain);
    let token = Token::authenticated(
        domain.with_rid(1105).expect("rid"),
        &[domain.with_rid(513).expect("rid")],
    );
    for w in writeback_rights() {
        let _ = sddl::effective(sd, rights::CLASS_USER, &token, Some(&domains), &w.right);
        let _ = sddl::effective(sd, rights::CLASS_USER, &token, None, &w.right);
    }
    let text = sd.to_string();
    let _ = sddl::parse(&text);
}
