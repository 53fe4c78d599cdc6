//! SDDL text to [`SecurityDescriptor`].
//!
//! Grammar: "Security Descriptor String Format" (`O:owner G:group D:dacl_flags(ace)...
//! S:sacl_flags(ace)...`),
//! <https://learn.microsoft.com/windows/win32/secauthz/security-descriptor-string-format>;
//! ACE fields `ace_type;ace_flags;rights;object_guid;inherit_object_guid;account_sid;(resource_attribute)`:
//! "ACE strings", <https://learn.microsoft.com/windows/win32/secauthz/ace-strings>;
//! conditional expressions nest in parentheses: "Security Descriptor Definition Language
//! for Conditional ACEs",
//! <https://learn.microsoft.com/windows/win32/secauthz/security-descriptor-definition-language-for-conditional-aces->
//! (all read 2026-12-02). Codes are accepted in any letter case (our choice).

use super::ace::{Ace, AceFlags, AceType, AclFlags, SecurityDescriptor};
use super::error::SddlError;
use super::quick;
use super::rights::{self, Guid};
use super::sid::Trustee;

/// The longest SDDL text accepted (our choice; AD descriptors are a few KiB).
pub const MAX_LEN: usize = 64 * 1024;
/// The deepest nesting of parentheses in a conditional expression (our choice).
pub const MAX_DEPTH: usize = 32;

/// Parses an SDDL security descriptor string.
///
/// ```
/// use writeback_diagnostics::sddl;
/// let sd = sddl::parse("O:DAG:DAD:PAI(OA;;CR;00299570-246d-11d0-a768-00aa006e0529;;S-1-5-21-1-2-3-1105)")
///     .expect("valid SDDL");
/// assert!(sd.is_protected());
/// assert_eq!(sd.aces().len(), 1);
/// let err = sddl::parse("D:(A;;XX;;;WD)").unwrap_err();
/// assert_eq!(err.offset, 6);
/// ```
pub fn parse(text: &str) -> Result<SecurityDescriptor, SddlError> {
    parse_with(text, true)
}

/// [`parse`], with or without the [`quick`] field readers (the tests compare the two).
pub(super) fn parse_with(text: &str, quick: bool) -> Result<SecurityDescriptor, SddlError> {
    if text.len() > MAX_LEN {
        return Err(SddlError {
            offset: MAX_LEN,
            expected: "at most 65536 bytes of SDDL",
            found: None,
        });
    }
    let mut p = Parser {
        text,
        pos: 0,
        quick,
    };
    let mut sd = SecurityDescriptor {
        source: text.to_string(),
        ..Default::default()
    };
    let mut seen = [false; 4];
    loop {
        p.skip_ws();
        let Some(&c) = p.bytes().get(p.pos) else {
            break;
        };
        let which = match c.to_ascii_uppercase() {
            b'O' => 0,
            b'G' => 1,
            b'D' => 2,
            b'S' => 3,
            _ => return Err(p.err("a component (O:, G:, D: or S:)")),
        };
        if p.bytes().get(p.pos + 1) != Some(&b':') {
            return Err(p.err("a component (O:, G:, D: or S:)"));
        }
        if seen[which] {
            return Err(p.err("each of O:, G:, D:, S: at most once"));
        }
        seen[which] = true;
        p.pos += 2;
        match which {
            0 => sd.owner = Some(p.owner_or_group()?),
            1 => sd.group = Some(p.owner_or_group()?),
            2 => {
                let (flags, aces, spans) = p.acl()?;
                sd.dacl = (!flags.no_access_control).then_some(aces);
                sd.dacl_flags = flags;
                sd.spans = spans;
            }
            _ => {
                let (flags, aces, _) = p.acl()?;
                sd.sacl = (!flags.no_access_control).then_some(aces);
                sd.sacl_flags = flags;
            }
        }
    }
    Ok(sd)
}

/// Parses one ACE string, parentheses included (`(A;;RC;;;BA)`).
pub fn parse_ace(text: &str) -> Result<Ace, SddlError> {
    if text.len() > MAX_LEN {
        return Err(SddlError::at(MAX_LEN, "at most 65536 bytes of SDDL", ""));
    }
    let mut p = Parser {
        text,
        pos: 0,
        quick: true,
    };
    let ace = p.ace()?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.err("the end of the ACE string"));
    }
    Ok(ace)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Try the [`quick`] field readers first.
    quick: bool,
}

type Acl = (AclFlags, Vec<Ace>, Vec<(usize, usize)>);

impl<'a> Parser<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn err(&self, expected: &'static str) -> SddlError {
        SddlError::at(self.pos, expected, self.text)
    }

    fn skip_ws(&mut self) {
        while self
            .bytes()
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// A SID string or a two-letter alias, up to the next component.
    fn owner_or_group(&mut self) -> Result<Trustee, SddlError> {
        let b = self.bytes();
        let start = self.pos;
        let mut end = start;
        if b.get(start).is_some_and(|c| c.eq_ignore_ascii_case(&b'S'))
            && b.get(start + 1) == Some(&b'-')
        {
            end += 2;
            while b.get(end).is_some_and(|c| c.is_ascii_digit() || *c == b'-') {
                end += 1;
            }
        } else {
            end = (start + 2).min(b.len());
        }
        let token = self.text.get(start..end).unwrap_or("");
        match Trustee::parse(token) {
            Some(t) => {
                self.pos = end;
                Ok(t)
            }
            None => Err(self.err("a SID (S-1-...) or SID alias (BA, DA, SY, ...)")),
        }
    }

    fn acl(&mut self) -> Result<Acl, SddlError> {
        let mut flags = AclFlags::default();
        loop {
            let r = self.rest();
            if starts_with_ci(r, "NO_ACCESS_CONTROL") {
                flags.no_access_control = true;
                self.pos += "NO_ACCESS_CONTROL".len();
            } else if starts_with_ci(r, "AI") {
                flags.auto_inherited = true;
                self.pos += 2;
            } else if starts_with_ci(r, "AR") {
                flags.auto_inherit_req = true;
                self.pos += 2;
            } else if starts_with_ci(r, "P") && !r[1..].starts_with(':') {
                flags.protected = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        // About one ACE per 40 bytes in AD descriptors; sizing up front saves regrowth.
        let guess = (self.text.len() - self.pos) / 40;
        let mut aces = Vec::with_capacity(guess);
        let mut spans = Vec::with_capacity(guess);
        loop {
            self.skip_ws();
            if self.bytes().get(self.pos) != Some(&b'(') {
                break;
            }
            let start = self.pos;
            aces.push(self.ace()?);
            spans.push((start, self.pos));
        }
        Ok((flags, aces, spans))
    }

    /// The text of the next field: up to `;` or `)`, which is not consumed; surrounding
    /// ASCII white space is trimmed, and the offset is that of the trimmed text.
    fn field(&mut self) -> Result<(usize, &'a str), SddlError> {
        let b = self.bytes();
        let start = self.pos;
        let mut end = start;
        loop {
            match b.get(end) {
                Some(b';' | b')') => break,
                Some(b'(') | None => {
                    self.pos = end;
                    return Err(self.err("';' or ')'"));
                }
                Some(_) => end += 1,
            }
        }
        self.pos = end;
        let mut first = start;
        while first < end && b.get(first).is_some_and(u8::is_ascii_whitespace) {
            first += 1;
        }
        let mut last = end;
        while last > first && b.get(last - 1).is_some_and(u8::is_ascii_whitespace) {
            last -= 1;
        }
        // The bounds are ASCII bytes or trimmed ASCII space, so both are char boundaries.
        Ok((first, self.text.get(first..last).unwrap_or("")))
    }

    #[inline]
    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), SddlError> {
        if self.bytes().get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// The bytes from the cursor on.
    fn rest_bytes(&self) -> &'a [u8] {
        self.bytes().get(self.pos..).unwrap_or(&[])
    }

    /// The quick reader's value when it had one (see [`quick`]), else the general one's.
    #[inline(always)]
    fn read<T>(
        &mut self,
        quick: Option<(T, usize)>,
        general: impl FnOnce(&mut Self) -> Result<T, SddlError>,
    ) -> Result<T, SddlError> {
        match quick.filter(|_| self.quick) {
            Some((value, n)) => {
                self.pos += n;
                Ok(value)
            }
            None => general(self),
        }
    }

    #[inline(always)]
    fn ace(&mut self) -> Result<Ace, SddlError> {
        self.expect(b'(', "'('")?;
        let kind = self.read(quick::ace_type(self.rest_bytes()), |p| {
            let (at, t) = p.field()?;
            AceType::parse(t).ok_or_else(|| {
                SddlError::at(
                    at,
                    "an ACE type (A, D, OA, OD, AU, OU, ML, XA, ...)",
                    p.text,
                )
            })
        })?;
        self.expect(b';', "';' after the ACE type")?;
        let flags = self.read(quick::ace_flags(self.rest_bytes()), |p| {
            let (at, t) = p.field()?;
            ace_flags(t, at, p.text)
        })?;
        self.expect(b';', "';' after the ACE flags")?;
        let mask = self.read(quick::mask(self.rest_bytes()), |p| {
            let (at, t) = p.field()?;
            mask(t, at, p.text)
        })?;
        self.expect(b';', "';' after the rights")?;
        let object_type = self.read(quick::guid(self.rest_bytes(), kind), |p| {
            let (at, t) = p.field()?;
            guid(t, at, p.text, kind)
        })?;
        self.expect(b';', "';' after the object GUID")?;
        let inherited_object_type = self.read(quick::guid(self.rest_bytes(), kind), |p| {
            let (at, t) = p.field()?;
            guid(t, at, p.text, kind)
        })?;
        self.expect(b';', "';' after the inherited object GUID")?;
        let trustee = self.read(quick::trustee(self.rest_bytes()), |p| {
            let (at, t) = p.field()?;
            Trustee::parse(t).ok_or_else(|| {
                SddlError::at(at, "a SID (S-1-...) or SID alias (BA, DA, SY, ...)", p.text)
            })
        })?;
        let condition = if self.bytes().get(self.pos) == Some(&b';') {
            self.pos += 1;
            self.skip_ws();
            Some(self.balanced()?.to_string())
        } else {
            None
        };
        self.skip_ws();
        self.expect(b')', "')' closing the ACE")?;
        Ok(Ace {
            kind,
            flags,
            mask,
            object_type,
            inherited_object_type,
            trustee,
            condition,
        })
    }

    /// A parenthesised expression (conditional ACE or resource attribute), nested at
    /// most [`MAX_DEPTH`] deep; quoted strings may hold parentheses.
    fn balanced(&mut self) -> Result<&'a str, SddlError> {
        let b = self.bytes();
        let start = self.pos;
        if b.get(start) != Some(&b'(') {
            return Err(self.err("'(' opening a conditional expression or resource attribute"));
        }
        let mut depth = 0usize;
        let mut quoted = false;
        let mut i = start;
        while let Some(&c) = b.get(i) {
            match c {
                b'"' => quoted = !quoted,
                b'(' if !quoted => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        self.pos = i;
                        return Err(self.err("a conditional expression nested at most 32 deep"));
                    }
                }
                b')' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Ok(&self.text[start..i + 1]);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = b.len();
        Err(self.err("')' closing the conditional expression"))
    }
}

fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn ace_flags(t: &str, at: usize, text: &str) -> Result<AceFlags, SddlError> {
    let mut flags = AceFlags::default();
    for (i, pair) in t.as_bytes().chunks(2).enumerate() {
        let f = AceFlags::from_code(pair).ok_or_else(|| {
            SddlError::at(at + 2 * i, "an ACE flag (CI, OI, NP, IO, ID, SA, FA)", text)
        })?;
        flags = flags.with(f);
    }
    Ok(flags)
}

fn mask(t: &str, at: usize, text: &str) -> Result<u32, SddlError> {
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.is_empty() && !hex.starts_with('+'))
            .ok_or_else(|| {
                SddlError::at(
                    at + 2,
                    "a hexadecimal access mask of at most 8 digits",
                    text,
                )
            });
    }
    let mut m = 0;
    for (i, pair) in t.as_bytes().chunks(2).enumerate() {
        m |= rights::code(pair).ok_or_else(|| {
            SddlError::at(at + 2 * i, "an access right (RP, WP, CR, CC, DC, LC, SW, LO, DT, RC, WD, WO, SD, GA, GR, GW, GX, ...) or 0x...", text)
        })?;
    }
    Ok(m)
}

fn guid(t: &str, at: usize, text: &str, kind: AceType) -> Result<Option<Guid>, SddlError> {
    if t.is_empty() {
        return Ok(None);
    }
    if !kind.is_object() {
        return Err(SddlError::at(
            at,
            "an empty GUID field (only object ACE types OA, OD, OU, OL, ZA carry GUIDs)",
            text,
        ));
    }
    Guid::parse(t)
        .map(Some)
        .ok_or_else(|| SddlError::at(at, "a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sddl::ace::FLAG_CODES;
    use crate::sddl::rights as r;
    use crate::sddl::sid::Sid;

    fn one(ace: &str) -> Ace {
        parse_ace(ace).unwrap_or_else(|e| panic!("{ace}: {e}"))
    }

    fn err(text: &str) -> SddlError {
        match parse(text) {
            Ok(sd) => panic!("{text} parsed: {sd}"),
            Err(e) => e,
        }
    }

    #[test]
    fn owner_group_and_acl_flags() {
        let sd =
            parse("O:DAG:S-1-5-21-1-2-3-513D:PAI(A;;RC;;;BA)S:AI(AU;SA;CR;;;DU)").expect("sddl");
        assert_eq!(sd.owner, Trustee::parse("DA"));
        assert_eq!(
            sd.group.and_then(|g| g.resolve(None)),
            Sid::parse("S-1-5-21-1-2-3-513")
        );
        assert!(sd.dacl_flags.protected && sd.dacl_flags.auto_inherited);
        assert!(!sd.dacl_flags.auto_inherit_req);
        assert!(sd.sacl_flags.auto_inherited && !sd.sacl_flags.protected);
        assert_eq!(sd.aces().len(), 1);
        assert_eq!(sd.sacl.as_ref().map(Vec::len), Some(1));
        let sd = parse("D:ARNO_ACCESS_CONTROL").expect("sddl");
        assert!(
            sd.dacl.is_none() && sd.dacl_flags.no_access_control && sd.dacl_flags.auto_inherit_req
        );
        let sd = parse("O:SYD:").expect("sddl");
        assert_eq!(sd.dacl, Some(vec![]));
        let sd = parse("O:BA").expect("sddl");
        assert!(sd.dacl.is_none() && !sd.dacl_flags.no_access_control);
        let sd = parse("G:BAO:SY").expect("any order");
        assert_eq!(sd.owner, Trustee::parse("SY"));
        assert_eq!(parse("").expect("empty"), SecurityDescriptor::default());
    }

    #[test]
    fn every_ace_type() {
        let g = "00299570-246d-11d0-a768-00aa006e0529";
        for (text, kind) in [
            ("(A;;RC;;;WD)".to_string(), AceType::Allow),
            ("(D;;RC;;;WD)".into(), AceType::Deny),
            (format!("(OA;;CR;{g};;WD)"), AceType::ObjectAllow),
            (format!("(OD;;CR;{g};;WD)"), AceType::ObjectDeny),
            ("(AU;SA;CR;;;WD)".into(), AceType::Audit),
            ("(AL;FA;CR;;;WD)".into(), AceType::Alarm),
            (format!("(OU;CISA;WP;{g};;WD)"), AceType::ObjectAudit),
            (format!("(OL;FA;WP;{g};;WD)"), AceType::ObjectAlarm),
            ("(ML;;NWNR;;;LW)".into(), AceType::MandatoryLabel),
            (
                "(XA;;CR;;;WD;(Member_of {SID(BA)}))".into(),
                AceType::CallbackAllow,
            ),
            (
                "(XD;;CR;;;WD;(@User.Dept == \"a)b\"))".into(),
                AceType::CallbackDeny,
            ),
            ("(XU;SA;CR;;;WD;(Exists x))".into(), AceType::CallbackAudit),
            (
                format!("(ZA;;CR;{g};;WD;(Exists x))"),
                AceType::CallbackObjectAllow,
            ),
            (
                "(RA;CI;;;;WD;(\"Project\",TS,0,\"Windows\",\"SQL\"))".into(),
                AceType::ResourceAttribute,
            ),
            ("(SP;;;;;S-1-17-1)".into(), AceType::ScopedPolicyId),
        ] {
            let ace = one(&text);
            assert_eq!(ace.kind, kind, "{text}");
            let again = one(&ace.to_string());
            assert_eq!(again, ace, "{text} round trip");
        }
        assert_eq!(
            one("(XD;;CR;;;WD;(@User.Dept == \"a)b\"))")
                .condition
                .as_deref(),
            Some("(@User.Dept == \"a)b\")")
        );
        assert_eq!(one("(ML;;NWNR;;;LW)").to_string(), "(ML;;NRNW;;;LW)");
        // Found by tests/sddl_props.rs: bits other than the label's were dropped.
        assert_eq!(one("(ML;;GW;;;LW)").to_string(), "(ML;;GW;;;LW)");
        assert_eq!(one("(ML;;NWGA;;;LW)").to_string(), "(ML;;NWGA;;;LW)");
    }

    #[test]
    fn every_ace_flag() {
        for (code, flag) in FLAG_CODES {
            assert_eq!(one(&format!("(A;{code};RC;;;WD)")).flags, *flag, "{code}");
        }
        let all = one("(A;CIOINPIOIDSAFA;RC;;;WD)").flags;
        assert_eq!(all.0, 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80);
        assert_eq!(
            one("(A;ciid;RC;;;WD)").flags,
            AceFlags::CONTAINER_INHERIT.with(AceFlags::INHERITED)
        );
    }

    #[test]
    fn every_right_and_hex_masks() {
        for (code, mask) in [
            ("RP", r::READ_PROPERTY),
            ("WP", r::WRITE_PROPERTY),
            ("CR", r::CONTROL_ACCESS),
            ("CC", r::CREATE_CHILD),
            ("DC", r::DELETE_CHILD),
            ("LC", r::LIST_CHILDREN),
            ("SW", r::SELF_WRITE),
            ("LO", r::LIST_OBJECT),
            ("DT", r::DELETE_TREE),
            ("RC", r::READ_CONTROL),
            ("WD", r::WRITE_DAC),
            ("WO", r::WRITE_OWNER),
            ("SD", r::DELETE),
            ("GA", r::GENERIC_ALL),
            ("GW", r::GENERIC_WRITE),
            ("GR", r::GENERIC_READ),
            ("GX", r::GENERIC_EXECUTE),
            ("FA", 0x001F_01FF),
            ("KR", 0x0002_0019),
        ] {
            assert_eq!(one(&format!("(A;;{code};;;WD)")).mask, mask, "{code}");
        }
        assert_eq!(
            one("(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)").mask,
            0x000F_01FF
        );
        assert_eq!(one("(A;;0x20000;;;WD)").mask, r::READ_CONTROL);
        assert_eq!(one("(A;;0XF01FF;;;WD)").mask, 0x000F_01FF);
        assert_eq!(one("(A;;;;;WD)").mask, 0);
        assert_eq!(
            one("(A;;rpWp;;;WD)").mask,
            r::READ_PROPERTY | r::WRITE_PROPERTY
        );
    }

    #[test]
    fn guids_and_trustees() {
        let ace = one("(OA;CIIO;CR;00299570-246D-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)");
        assert_eq!(ace.object_type, Some(r::RESET_PASSWORD));
        assert_eq!(ace.inherited_object_type, Some(r::CLASS_USER));
        assert_eq!(
            ace.trustee,
            Trustee::Sid(Sid::parse("S-1-5-21-1-2-3-1105").expect("sid"))
        );
        for alias in [
            "WD", "AU", "SY", "BA", "DA", "EA", "PS", "CO", "RU", "ED", "DU", "AO", "CA", "NU",
            "AN",
        ] {
            assert_eq!(
                one(&format!("(A;;RC;;;{alias})")).trustee.alias(),
                Some(alias)
            );
        }
        assert_eq!(one("( A ; CI ; RC ; ; ; BA )").kind, AceType::Allow);
    }

    #[test]
    fn the_text_of_each_ace_is_kept_as_written() {
        let text = "O:DAG:DAD:AI(A;;rc;;;ba)(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)";
        let sd = parse(text).expect("sddl");
        assert_eq!(sd.ace_text(0).as_deref(), Some("(A;;rc;;;ba)"));
        assert_eq!(
            sd.ace_text(1).as_deref(),
            Some("(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)")
        );
        assert_eq!(sd.ace_text(2), None);
        assert_eq!(
            sd.to_string(),
            "O:DAG:DAD:AI(A;;RC;;;BA)(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)"
        );
    }

    #[test]
    fn the_default_descriptors_round_trip() {
        for text in [
            include_str!("../../tests/fixtures/sddl/domain-root.sddl"),
            include_str!("../../tests/fixtures/sddl/user-default.sddl"),
            include_str!("../../tests/fixtures/sddl/user-cannot-change-password.sddl"),
            include_str!("../../tests/fixtures/sddl/ou-blocked.sddl"),
            include_str!("../../tests/fixtures/sddl/user-protected.sddl"),
        ] {
            let sd = parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(sd.aces().len() >= 5);
            let again = parse(&sd.to_string()).expect("rendered SDDL parses");
            assert_eq!(again, sd);
            assert_eq!(again.to_string(), sd.to_string());
        }
    }

    #[test]
    fn malformed_strings_are_refused_at_the_right_byte() {
        let cases: &[(&str, usize, &str)] = &[
            ("D:(A;;XX;;;WD)", 6, "an access right"),
            ("D:(A;;RCX;;;WD)", 8, "an access right"),
            ("D:(Q;;RC;;;WD)", 3, "an ACE type"),
            ("D:(A;CX;RC;;;WD)", 5, "an ACE flag"),
            ("D:(A;CIO;RC;;;WD)", 7, "an ACE flag"),
            ("D:(A;;0x;;;WD)", 8, "a hexadecimal access mask"),
            ("D:(A;;0x123456789;;;WD)", 8, "a hexadecimal access mask"),
            (
                "D:(OA;;CR;00299570-246d-11d0-a768-00aa006e05;;WD)",
                10,
                "a GUID",
            ),
            (
                "D:(A;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)",
                9,
                "an empty GUID field",
            ),
            ("D:(A;;RC;;;ZZ)", 11, "a SID"),
            ("D:(A;;RC;;;S-1-5-x)", 11, "a SID"),
            ("D:(A;;RC;;;WD", 13, "';' or ')'"),
            ("D:(A;;RC)", 8, "';' after the rights"),
            ("D:(A;;RC;;;WD)x", 14, "a component"),
            (
                "D:(A;;RC;;;WD)D:",
                14,
                "each of O:, G:, D:, S: at most once",
            ),
            ("O:ZZ", 2, "a SID"),
            ("O:", 2, "a SID"),
            ("X:BA", 0, "a component"),
            ("O", 0, "a component"),
            ("D:(A;(;RC;;;WD)", 5, "';' or ')'"),
            ("D:(XA;;RC;;;WD;(a(b)", 20, "')' closing the conditional"),
            ("D:(XA;;RC;;;WD;x)", 15, "'(' opening"),
            ("D:(A;;RC;;;WD;(x)y)", 17, "')' closing the ACE"),
            ("O:\u{f1}\u{f1}", 2, "a SID"),
        ];
        for (text, offset, expected) in cases {
            let e = err(text);
            assert_eq!(e.offset, *offset, "{text}: {e}");
            assert!(e.expected.starts_with(expected), "{text}: {e}");
        }
        let e = err("D:(A;;XX;;;WD)");
        assert_eq!(e.to_string(), "SDDL: expected an access right (RP, WP, CR, CC, DC, LC, SW, LO, DT, RC, WD, WO, SD, GA, GR, GW, GX, ...) or 0x... at byte 6, found \"XX;;;WD)\"");
    }

    #[test]
    fn limits_refuse_huge_input_and_deep_nesting() {
        let huge = format!("D:{}", "(A;;RC;;;WD)".repeat(MAX_LEN / 12 + 1));
        let e = err(&huge);
        assert_eq!(e.offset, MAX_LEN);
        let ok = format!(
            "D:(XA;;RC;;;WD;{}x{})",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(parse(&ok).is_ok());
        let deep = format!(
            "D:(XA;;RC;;;WD;{}x{})",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let e = err(&deep);
        assert_eq!(e.offset, 15 + MAX_DEPTH);
        assert!(e.expected.contains("nested at most 32"));
    }
}
