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

use super::ace::{AclFlags, Ace, AceFlags, AceType, SecurityDescriptor, FLAG_CODES};
use super::error::SddlError;
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
/// assert_eq!(err.offset, 7);
/// ```
pub fn parse(text: &str) -> Result<SecurityDescriptor, SddlError> {
    if text.len() > MAX_LEN {
        return Err(SddlError {
            offset: MAX_LEN,
            expected: "at most 65536 bytes of SDDL",
            found: None,
        });
    }
    let mut p = Parser { text, pos: 0 };
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
    let mut p = Parser { text, pos: 0 };
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
        while self.bytes().get(self.pos).is_some_and(u8::is_ascii_whitespace) {
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
        if b.get(start).is_some_and(|c| c.eq_ignore_ascii_case(&b'S')) && b.get(start + 1) == Some(&b'-') {
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
        let mut aces = Vec::new();
        let mut spans = Vec::new();
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

    /// The text of the next field: up to `;` or `)`, which is not consumed.
    fn field(&mut self) -> Result<(usize, &'a str), SddlError> {
        let b = self.bytes();
        let start = self.pos;
        let mut end = start;
        while let Some(&c) = b.get(end) {
            match c {
                b';' | b')' => break,
                b'(' => {
                    self.pos = end;
                    return Err(self.err("';' or ')'"));
                }
                _ => end += 1,
            }
        }
        if end >= b.len() {
            self.pos = end;
            return Err(self.err("';' or ')'"));
        }
        self.pos = end;
        let raw = &self.text[start..end];
        let lead = raw.len() - raw.trim_start().len();
        Ok((start + lead, raw.trim()))
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), SddlError> {
        if self.bytes().get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn ace(&mut self) -> Result<Ace, SddlError> {
        self.expect(b'(', "'('")?;
        let (at, t) = self.field()?;
        let kind = AceType::parse(t).ok_or_else(|| {
            SddlError::at(at, "an ACE type (A, D, OA, OD, AU, OU, ML, XA, ...)", self.text)
        })?;
        self.expect(b';', "';' after the ACE type")?;
        let (at, t) = self.field()?;
        let flags = ace_flags(t, at, self.text)?;
        self.expect(b';', "';' after the ACE flags")?;
        let (at, t) = self.field()?;
        let mask = mask(t, at, self.text)?;
        self.expect(b';', "';' after the rights")?;
        let (at, t) = self.field()?;
        let object_type = guid(t, at, self.text, kind)?;
        self.expect(b';', "';' after the object GUID")?;
        let (at, t) = self.field()?;
        let inherited_object_type = guid(t, at, self.text, kind)?;
        self.expect(b';', "';' after the inherited object GUID")?;
        let (at, t) = self.field()?;
        let trustee = Trustee::parse(t).ok_or_else(|| {
            SddlError::at(at, "a SID (S-1-...) or SID alias (BA, DA, SY, ...)", self.text)
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
        let f = FLAG_CODES
            .iter()
            .find(|(c, _)| c.as_bytes().eq_ignore_ascii_case(pair))
            .ok_or_else(|| SddlError::at(at + 2 * i, "an ACE flag (CI, OI, NP, IO, ID, SA, FA)", text))?;
        flags = flags.with(f.1);
    }
    Ok(flags)
}

fn mask(t: &str, at: usize, text: &str) -> Result<u32, SddlError> {
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.is_empty() && !hex.starts_with('+'))
            .ok_or_else(|| SddlError::at(at + 2, "a hexadecimal access mask of at most 8 digits", text));
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
        return Err(SddlError::at(at, "an empty GUID field (only object ACE types OA, OD, OU, OL, ZA carry GUIDs)", text));
    }
    Guid::parse(t)
        .map(Some)
        .ok_or_else(|| SddlError::at(at, "a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", text))
}
