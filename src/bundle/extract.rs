//! Streaming extraction of a bundle zip into a folder, within the limits of
//! [`crate::bundle`]: names checked by [`names`], sizes counted on the bytes actually
//! inflated, nothing followed or overwritten.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use zip::{CompressionMethod, ZipArchive};

use super::names::{self, EntryPath};
use super::{MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR_BYTES};
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};

/// Windows' reparse-point attribute (junctions and symbolic links), in the low word of
/// the external attributes of an entry written on Windows.
const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;

/// Bytes copied between cancellation checks.
const CHUNK: usize = 64 * 1024;

/// Extracts every entry of the zip at `path` into `dest` (an empty folder).
pub fn extract(
    path: &Path,
    dest: &Path,
    control: &Control,
    on_progress: &mut dyn FnMut(u8),
) -> Result<(), WbdError> {
    let shown = path.display().to_string();
    let file = File::open(path)
        .map_err(|e| WbdError::invalid(format!("cannot read bundle '{shown}': {e}")))?;
    let mut archive = ZipArchive::new(BufReader::new(file))
        .map_err(|e| WbdError::invalid(format!("bundle '{shown}' is not a zip archive: {e}")))?;
    let count = archive.len();
    if count > MAX_ENTRIES {
        return Err(WbdError::invalid(format!(
            "bundle '{shown}' has {count} entries; the limit is {MAX_ENTRIES}"
        )));
    }
    // Every name is checked before anything is written.
    let mut planned = Vec::with_capacity(count);
    for i in 0..count {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| WbdError::invalid(format!("bundle '{shown}': entry {i}: {e}")))?;
        let name = entry.name().map_err(|e| {
            WbdError::invalid(format!(
                "bundle '{shown}': entry {i} has an unreadable name: {e}"
            ))
        })?;
        let checked = names::check(&name)?;
        refuse_special(&entry, &checked)?;
        planned.push(checked);
    }
    let mut total = 0u64;
    for (i, target) in planned.iter().enumerate() {
        if control.is_cancelled() {
            return Err(cancelled());
        }
        on_progress(u8::try_from(i * 100 / count.max(1)).unwrap_or(100));
        let out = target.under(dest);
        if target.is_dir {
            create_dirs(&out, dest)?;
            continue;
        }
        if let Some(parent) = out.parent() {
            create_dirs(parent, dest)?;
        }
        let mut entry = archive
            .by_index(i)
            .map_err(|e| WbdError::invalid(format!("bundle entry '{}': {e}", target.display())))?;
        let compressed = entry.compressed_size();
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&out)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => WbdError::invalid(format!(
                    "bundle entry '{}' appears more than once",
                    target.display()
                )),
                _ => write_error(&out, &e),
            })?;
        let written = copy_bounded(&mut entry, &mut file, target, compressed, total, control)?;
        total += written;
    }
    on_progress(100);
    Ok(())
}

/// Refuses links, encrypted entries and compression methods a bundle never uses.
fn refuse_special<R: Read>(
    entry: &zip::read::ZipFile<'_, R>,
    target: &EntryPath,
) -> Result<(), WbdError> {
    let name = target.display();
    let windows_link = entry.external_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
        && entry.unix_mode().is_none();
    if entry.is_symlink() || windows_link {
        return Err(WbdError::invalid(format!(
            "bundle entry '{name}' is a symbolic link; bundles hold only files and folders"
        )));
    }
    if entry.encrypted() {
        return Err(WbdError::invalid(format!(
            "bundle entry '{name}' is encrypted; create the bundle without a password"
        )));
    }
    match entry.compression() {
        CompressionMethod::Stored | CompressionMethod::Deflated => Ok(()),
        other => Err(WbdError::invalid(format!(
            "bundle entry '{name}' uses compression {other}; only stored and deflate entries are read (as Compress-Archive writes them)"
        ))),
    }
}

/// Copies one entry, counting inflated bytes against the per-entry, total and ratio limits.
fn copy_bounded(
    entry: &mut impl Read,
    out: &mut impl Write,
    target: &EntryPath,
    compressed: u64,
    total_before: u64,
    control: &Control,
) -> Result<u64, WbdError> {
    let name = target.display();
    let mut buf = vec![0u8; CHUNK];
    let mut written = 0u64;
    loop {
        if control.is_cancelled() {
            return Err(cancelled());
        }
        let n = match entry.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(WbdError::invalid(format!(
                    "bundle entry '{name}' cannot be inflated: {e}"
                )))
            }
        };
        written += n as u64;
        if written > MAX_ENTRY_BYTES {
            return Err(WbdError::invalid(format!(
                "bundle entry '{name}' inflates to more than {MAX_ENTRY_BYTES} bytes (256 MiB), the limit per entry"
            )));
        }
        if total_before + written > MAX_TOTAL_BYTES {
            return Err(WbdError::invalid(format!(
                "bundle entries inflate to more than {MAX_TOTAL_BYTES} bytes (512 MiB) together (reached in '{name}')"
            )));
        }
        if written > RATIO_FLOOR_BYTES && written > compressed.saturating_mul(MAX_RATIO) {
            return Err(WbdError::invalid(format!(
                "bundle entry '{name}' inflates more than {MAX_RATIO} times its compressed size of {compressed} bytes; refusing it as a zip bomb"
            )));
        }
        let chunk = buf.get(..n).unwrap_or(&buf);
        out.write_all(chunk)
            .map_err(|e| write_error(Path::new(&name), &e))?;
    }
    Ok(written)
}

/// Creates `dir` and its parents, all below `root`, refusing to pass through anything
/// that is not a real folder (a link planted by an earlier entry, say).
fn create_dirs(dir: &Path, root: &Path) -> Result<(), WbdError> {
    let rel = dir.strip_prefix(root).map_err(|_| outside(dir))?;
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() && !m.file_type().is_symlink() => continue,
            Ok(_) => {
                return Err(WbdError::invalid(format!(
                    "bundle entry '{}' is both a file and a folder",
                    at.strip_prefix(root).unwrap_or(&at).display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&at).map_err(|e| write_error(&at, &e))?;
            }
            Err(e) => return Err(write_error(&at, &e)),
        }
    }
    let real = std::fs::canonicalize(dir).map_err(|e| write_error(dir, &e))?;
    if !real.starts_with(root) {
        return Err(outside(dir));
    }
    Ok(())
}

fn outside(path: &Path) -> WbdError {
    WbdError::invalid(format!(
        "bundle entry '{}' resolves outside the extraction folder",
        path.display()
    ))
}

fn write_error(path: &Path, e: &std::io::Error) -> WbdError {
    WbdError::new(
        ErrorCode::Internal,
        format!(
            "cannot write '{}' while extracting the bundle: {e}",
            path.display()
        ),
    )
}

fn cancelled() -> WbdError {
    WbdError::new(ErrorCode::Cancelled, "the bundle extraction was cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> EntryPath {
        names::check("events.json").expect("valid name")
    }

    fn copy(len: u64, compressed: u64, before: u64) -> Result<u64, WbdError> {
        let mut zeros = std::io::repeat(0).take(len);
        copy_bounded(
            &mut zeros,
            &mut std::io::sink(),
            &target(),
            compressed,
            before,
            &Control::new(),
        )
    }

    #[test]
    fn counts_what_is_inflated_against_every_limit() {
        assert_eq!(
            copy(3 * RATIO_FLOOR_BYTES, RATIO_FLOOR_BYTES, 0).ok(),
            Some(3 * RATIO_FLOOR_BYTES)
        );
        let e = copy(MAX_ENTRY_BYTES + 1, MAX_ENTRY_BYTES, 0).expect_err("entry limit");
        assert!(e.message.contains("256 MiB"), "{}", e.message);
        let e = copy(11, 11, MAX_TOTAL_BYTES - 10).expect_err("total limit");
        assert!(e.message.contains("512 MiB"), "{}", e.message);
        let e = copy(2 * RATIO_FLOOR_BYTES, 10 * 1024, 0).expect_err("ratio");
        assert!(e.message.contains("zip bomb"), "{}", e.message);
        assert!(
            copy(RATIO_FLOOR_BYTES, 1, 0).is_ok(),
            "small entries may compress well"
        );
    }

    #[test]
    fn a_cancelled_copy_stops() {
        let control = Control::new();
        control.cancel();
        let mut zeros = std::io::repeat(0).take(10);
        let e = copy_bounded(&mut zeros, &mut std::io::sink(), &target(), 10, 0, &control)
            .expect_err("cancelled");
        assert_eq!(e.code, ErrorCode::Cancelled);
    }
}
