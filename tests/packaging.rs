//! Packaging: what an admin installs must be what the module loader expects.
//!
//! - `scripts/build-module.sh` assembles exactly the module's files plus the engine at
//!   `runtimes/<rid>/native/<file>` (the host rid from the built library, and several rids
//!   from prebuilt files with `--native RID=PATH`), and nothing else but the precompiled
//!   shim `Native/WbdNative.dll`, built (dotnet is on PATH where these run) from the
//!   module's own `Native/WbdNative.cs`, whose SHA-256 it carries; `--no-shim-dll` leaves
//!   it out;
//! - the manifest carries what the PowerShell Gallery shows, with `ModuleVersion` equal to
//!   the crate version;
//! - `.cargo/config.toml` links the MSVC C runtime statically;
//! - the built Linux library needs no newer glibc than the floor the module states (in
//!   `Private/Test-WbdHostSupport.ps1`, the one place it is written);
//! - `.github/workflows/release.yml` builds the three engines and packs one module from them,
//!   with the precompiled shim (`--shim-dll`, after setting up the .NET SDK).

#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = "powershell/WritebackDiagnostics/WritebackDiagnostics.psd1";
const HOST_SUPPORT: &str = "powershell/WritebackDiagnostics/Private/Test-WbdHostSupport.ps1";
const RELEASE_WORKFLOW: &str = ".github/workflows/release.yml";
const CARGO_CONFIG: &str = ".cargo/config.toml";
/// The precompiled shim in an assembled module, and the source it is built from.
const SHIM_DLL: &str = "Native/WbdNative.dll";
const SHIM_SOURCE: &str = "powershell/WritebackDiagnostics/Native/WbdNative.cs";
/// The metadata key `powershell/WbdNative/WbdNative.csproj` stores the source's SHA-256
/// under; `Private/Test-WbdShimAssembly.ps1` looks for it followed by `@` (64, the
/// length prefix of the 64 hex digits in the custom attribute blob).
const SHIM_HASH_KEY: &str = "WbdNativeSourceSha256@";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    fs::read_to_string(repo().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// `target/<profile>` of this test run, where cargo put the cdylib.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe path");
    exe.parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>")
        .to_path_buf()
}

fn built_library() -> PathBuf {
    let name = format!(
        "{}writeback_diagnostics{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = profile_dir().join(name);
    assert!(
        path.exists(),
        "cdylib not built at {}; build it first with `cargo build --lib`",
        path.display()
    );
    path
}

fn host_rid() -> String {
    let os = match std::env::consts::OS {
        "linux" => "linux",
        "macos" => "osx",
        other => panic!("no rid for {other}"),
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => panic!("no rid for {other}"),
    };
    format!("{os}-{arch}")
}

/// Runs scripts/build-module.sh with these arguments; returns (success, stdout + stderr).
fn build_module(args: &[&str], target_dir: Option<&Path>) -> (bool, String) {
    let mut command = Command::new("bash");
    command
        .arg(repo().join("scripts/build-module.sh"))
        .args(args);
    if let Some(dir) = target_dir {
        command.env("CARGO_TARGET_DIR", dir);
    }
    let output = command.output().expect("run bash scripts/build-module.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Lower-case hex SHA-256 of a repository file, from `sha256sum` (coreutils).
fn sha256_hex(relative: &str) -> String {
    let out = Command::new("sha256sum")
        .arg(repo().join(relative))
        .output()
        .expect("run sha256sum");
    assert!(out.status.success(), "sha256sum {relative} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let hash = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(hash.len(), 64, "sha256sum printed {text}");
    hash
}

/// Every file under `root`, as `/`-separated relative paths.
fn files_under(root: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

fn source_module_files() -> BTreeSet<String> {
    files_under(&repo().join("powershell/WritebackDiagnostics"))
        .into_iter()
        .filter(|f| !f.starts_with("runtimes/"))
        .collect()
}

/// The module's files the loader and the Gallery need, by folder.
fn layout_problems(
    files: &BTreeSet<String>,
    engines: &[(&str, &str)],
    shim_dll: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for required in [
        "WritebackDiagnostics.psd1",
        "WritebackDiagnostics.psm1",
        "WritebackDiagnostics.Format.ps1xml",
        "Native/WbdNative.cs",
        "Private/Initialize-WbdNative.ps1",
        "Private/Test-WbdHostSupport.ps1",
        "en-US/about_WritebackDiagnostics.help.txt",
    ] {
        if !files.contains(required) {
            problems.push(format!("{required} is missing"));
        }
    }
    if !files.iter().any(|f| f.starts_with("Public/")) {
        problems.push("Public/ is empty".into());
    }
    let mut expected = source_module_files();
    for (rid, file) in engines {
        expected.insert(format!("runtimes/{rid}/native/{file}"));
    }
    if shim_dll {
        expected.insert(SHIM_DLL.into());
    }
    for extra in files.difference(&expected) {
        problems.push(format!("unexpected file {extra}"));
    }
    for missing in expected.difference(files) {
        problems.push(format!("missing {missing}"));
    }
    for file in files {
        let name = file.rsplit('/').next().unwrap_or(file);
        if name.ends_with(".Tests.ps1") || file.split('/').any(|part| part.starts_with(".git")) {
            problems.push(format!("{file} must not ship"));
        }
    }
    problems
}

#[test]
fn host_build_assembles_the_layout_the_loader_expects() {
    let library = built_library();
    let profile_dir = profile_dir();
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("profile name");
    let out = tempfile::tempdir().expect("tempdir");
    let module = out.path().join("WritebackDiagnostics");
    let module_arg = module.to_str().expect("utf-8 path");
    let rid = host_rid();
    let (ok, text) = if profile == "debug" || profile == "release" {
        build_module(
            &["--profile", profile, "--no-build", "--out", module_arg],
            profile_dir.parent(),
        )
    } else {
        let native = format!("{rid}={}", library.display());
        build_module(&["--native", &native, "--out", module_arg], None)
    };
    assert!(ok, "build-module.sh failed:\n{text}");

    let file = library.file_name().unwrap().to_str().unwrap();
    let files = files_under(&module);
    let problems = layout_problems(&files, &[(&rid, file)], true);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        text.contains("precompiled shim Native/WbdNative.dll"),
        "{text}"
    );
    let dll = fs::read(module.join(SHIM_DLL)).expect("shipped shim");
    let hash = sha256_hex(SHIM_SOURCE);
    let marker = format!("{SHIM_HASH_KEY}{hash}");
    assert!(
        dll.windows(marker.len()).any(|w| w == marker.as_bytes()),
        "{SHIM_DLL} does not carry the SHA-256 {hash} of {SHIM_SOURCE}"
    );
    assert_eq!(
        fs::read(module.join("Native/WbdNative.cs")).unwrap(),
        fs::read(repo().join(SHIM_SOURCE)).unwrap(),
        "the shipped source is the one the DLL was built from"
    );
    let shipped = fs::read(module.join("runtimes").join(&rid).join("native").join(file))
        .expect("shipped engine");
    assert_eq!(shipped, fs::read(&library).unwrap(), "the engine is a copy");

    // Running it again replaces the folder it made before.
    let (ok, text) = build_module(
        &[
            "--native",
            &format!("{rid}={}", library.display()),
            "--out",
            module_arg,
        ],
        None,
    );
    assert!(ok, "second run failed:\n{text}");
}

#[test]
fn native_arguments_put_each_engine_in_its_rid_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    // File names differ from what the loader wants: the script names them per rid.
    let engines = [
        ("win-x64", "engine-win.dll", "writeback_diagnostics.dll"),
        (
            "linux-x64",
            "engine-linux.so",
            "libwriteback_diagnostics.so",
        ),
        ("osx-arm64", "engine-mac", "libwriteback_diagnostics.dylib"),
    ];
    let mut args = Vec::new();
    for (rid, source, _) in engines {
        let path = dir.path().join(source);
        fs::write(&path, format!("fake engine for {rid}")).unwrap();
        args.push("--native".to_string());
        args.push(format!("{rid}={}", path.display()));
    }
    let module = dir.path().join("out/WritebackDiagnostics");
    args.push("--out".into());
    args.push(module.display().to_string());
    args.push("--no-shim-dll".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, text) = build_module(&args, None);
    assert!(ok, "build-module.sh failed:\n{text}");

    let files = files_under(&module);
    let expected: Vec<(&str, &str)> = engines.iter().map(|(r, _, f)| (*r, *f)).collect();
    let problems = layout_problems(&files, &expected, false);
    assert!(problems.is_empty(), "{problems:#?}");
    for (rid, _, file) in engines {
        let text =
            fs::read_to_string(module.join(format!("runtimes/{rid}/native/{file}"))).unwrap();
        assert_eq!(text, format!("fake engine for {rid}"));
    }
}

#[test]
fn native_arguments_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = dir.path().join("engine.so");
    fs::write(&engine, "x").unwrap();
    let out = dir.path().join("WritebackDiagnostics");
    let out = out.to_str().unwrap();
    let good = format!("linux-x64={}", engine.display());
    let cases: [(Vec<String>, &str); 4] = [
        (
            vec![format!("linux-x86={}", engine.display())],
            "unknown rid",
        ),
        (vec!["linux-x64=/nonexistent/engine.so".into()], "no file"),
        (vec![good.clone(), good.clone()], "given twice"),
        (vec!["linux-x64".into()], "RID=PATH"),
    ];
    for (natives, reason) in cases {
        let mut args: Vec<&str> = Vec::new();
        for native in &natives {
            args.push("--native");
            args.push(native);
        }
        args.extend(["--out", out]);
        let (ok, text) = build_module(&args, None);
        assert!(!ok, "{natives:?} should fail");
        assert!(
            text.contains(reason),
            "{natives:?}: expected '{reason}' in {text}"
        );
        assert!(!Path::new(out).exists(), "{natives:?} left a folder behind");
    }
}

// ---------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------

/// The single-quoted value of `Key = '...'` in the manifest (`''` unescaped).
fn manifest_value(src: &str, key: &str) -> Option<String> {
    let pattern = format!(r"(?m)^\s*{key}\s*=\s*'((?:[^']|'')*)'");
    let re = regex::Regex::new(&pattern).unwrap();
    re.captures(src).map(|c| c[1].replace("''", "'"))
}

/// The quoted strings of `Key = @( ... )`.
fn manifest_list(src: &str, key: &str) -> Vec<String> {
    let pattern = format!(r"(?s)\b{key}\s*=\s*@\((.*?)\)");
    let re = regex::Regex::new(&pattern).unwrap();
    let Some(body) = re.captures(src).map(|c| c[1].to_string()) else {
        return Vec::new();
    };
    regex::Regex::new(r"'([^']*)'")
        .unwrap()
        .captures_iter(&body)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn manifest_has_the_gallery_fields() {
    let src = read(MANIFEST);
    assert_eq!(
        manifest_value(&src, "ModuleVersion").as_deref(),
        Some(env!("CARGO_PKG_VERSION")),
        "ModuleVersion must equal Cargo.toml's version"
    );
    assert_eq!(
        manifest_value(&src, "GUID").as_deref(),
        Some("b24285cf-4d30-453d-9094-8d977d73fe9b"),
        "the GUID identifies the module on the Gallery and must never change"
    );
    assert_eq!(
        manifest_value(&src, "PowerShellVersion").as_deref(),
        Some("5.1")
    );
    for key in [
        "Author",
        "CompanyName",
        "Copyright",
        "Description",
        "ProjectUri",
        "LicenseUri",
        "ReleaseNotes",
    ] {
        let value = manifest_value(&src, key).unwrap_or_default();
        assert!(!value.trim().is_empty(), "{key} is missing or empty");
    }
    for key in ["ProjectUri", "LicenseUri"] {
        let value = manifest_value(&src, key).unwrap();
        assert!(value.starts_with("https://"), "{key} is not https: {value}");
    }
    let license = manifest_value(&src, "LicenseUri").unwrap();
    assert!(
        license.ends_with("/LICENSE"),
        "LicenseUri should point at the repository's LICENSE file: {license}"
    );
    assert_eq!(
        manifest_list(&src, "CompatiblePSEditions"),
        ["Desktop", "Core"]
    );
    let tags: BTreeSet<String> = manifest_list(&src, "Tags")
        .into_iter()
        .map(|t| t.to_ascii_lowercase())
        .collect();
    for tag in [
        "psedition_desktop",
        "psedition_core",
        "windows",
        "linux",
        "macos",
        "entraid",
        "activedirectory",
        "sspr",
        "passwordwriteback",
    ] {
        assert!(tags.contains(tag), "Tags lack {tag}: {tags:?}");
    }
    for tag in &tags {
        assert!(!tag.contains(' '), "Gallery tags have no spaces: {tag}");
    }
}

// ---------------------------------------------------------------------------------------
// .cargo/config.toml
// ---------------------------------------------------------------------------------------

/// `[section]` -> its `key = value` lines, whitespace removed, comments dropped.
fn toml_sections(src: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in src.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            sections.push((line.trim_matches(['[', ']']).trim().to_string(), Vec::new()));
        } else {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            sections.last_mut().unwrap().1.push(compact);
        }
    }
    sections
}

#[test]
fn cargo_config_links_the_msvc_c_runtime_statically() {
    let sections = toml_sections(&read(CARGO_CONFIG));
    for target in ["x86_64-pc-windows-msvc", "aarch64-pc-windows-msvc"] {
        let name = format!("target.{target}");
        let entries = sections
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("{CARGO_CONFIG} has no [{name}]"));
        assert!(
            entries.contains(&r#"rustflags=["-C","target-feature=+crt-static"]"#.to_string()),
            "[{name}] must set rustflags = [\"-C\", \"target-feature=+crt-static\"]: {entries:?}"
        );
    }
    // The vendored-crates setup lives in ~/.cargo/config.toml; this file must not fight it.
    for (section, _) in &sections {
        assert!(
            !section.starts_with("source") && section != "net",
            "{CARGO_CONFIG} must not set [{section}]"
        );
    }
}

// ---------------------------------------------------------------------------------------
// glibc floor
// ---------------------------------------------------------------------------------------

/// A dotted version as numbers, so that 2.9 < 2.34 (a string compare says otherwise).
fn version(text: &str) -> Vec<u32> {
    text.split('.')
        .map(|part| {
            part.parse()
                .unwrap_or_else(|_| panic!("not a version: {text}"))
        })
        .collect()
}

fn stated_glibc_floor() -> String {
    let src = read(HOST_SUPPORT);
    let re = regex::Regex::new(r"(?m)^\$script:WbdGlibcFloor = '(\d+\.\d+)'").unwrap();
    re.captures(&src)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| panic!("{HOST_SUPPORT} states no $script:WbdGlibcFloor"))
}

/// The GLIBC_x.y symbol versions an ELF file needs, from `readelf -V --wide`.
fn glibc_versions_needed(library: &Path) -> Vec<String> {
    let output = Command::new("readelf")
        .args(["-V", "--wide"])
        .arg(library)
        .output()
        .expect("run readelf (binutils)");
    assert!(
        output.status.success(),
        "readelf failed on {}",
        library.display()
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let re = regex::Regex::new(r"GLIBC_(\d+(?:\.\d+)+)").unwrap();
    re.captures_iter(&text).map(|c| c[1].to_string()).collect()
}

#[test]
fn version_comparison_is_numeric() {
    assert!(version("2.9") < version("2.34"));
    assert!(version("2.31") < version("2.34"));
    assert!(version("2.34") == version("2.34"));
    assert!(version("2.3.4") < version("2.34"));
    assert!(version("2.35") > version("2.34"));
}

#[test]
#[cfg(target_os = "linux")]
fn built_library_needs_no_newer_glibc_than_the_stated_floor() {
    let floor = stated_glibc_floor();
    let mut libraries = vec![built_library()];
    // A release build lying next to this one is what gets shipped: check it too.
    if let Some(target) = profile_dir().parent() {
        let release = target.join("release/libwriteback_diagnostics.so");
        if release.exists() && !libraries.contains(&release) {
            libraries.push(release);
        }
    }
    for library in libraries {
        let needed = glibc_versions_needed(&library);
        assert!(
            !needed.is_empty(),
            "{} needs no GLIBC_ version at all?",
            library.display()
        );
        let max = needed
            .iter()
            .max_by_key(|v| version(v))
            .expect("one version");
        assert!(
            version(max) <= version(&floor),
            "{} needs glibc {max}, newer than the floor {floor} stated in {HOST_SUPPORT}; \
             raise the floor there (and in the manifest's ReleaseNotes) or build on an older glibc",
            library.display()
        );
    }
}

#[test]
fn the_floor_is_quoted_where_admins_read_it() {
    let floor = stated_glibc_floor();
    let release_notes = manifest_value(&read(MANIFEST), "ReleaseNotes").unwrap_or_default();
    assert!(
        release_notes.contains(&format!("glibc {floor}")),
        "the manifest's ReleaseNotes must say 'glibc {floor}': {release_notes}"
    );
    assert!(
        read(RELEASE_WORKFLOW).contains(&format!("glibc floor {floor}")),
        "{RELEASE_WORKFLOW} must state 'glibc floor {floor}'"
    );
}

// ---------------------------------------------------------------------------------------
// Release workflow
// ---------------------------------------------------------------------------------------

/// A job of a workflow: its name and its lines (indented under it).
struct Job {
    name: String,
    body: String,
}

/// The jobs of a GitHub Actions workflow, read by indentation: `jobs:` at column 0, each job
/// key two spaces in. A structural reading, not a YAML parser (no YAML crate is vendored);
/// `workflow_parses_as_yaml_where_python_can` adds a real parse where PyYAML is installed.
fn workflow_jobs(src: &str) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut in_jobs = false;
    for line in src.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            if let Some(job) = jobs.last_mut().filter(|_| in_jobs) {
                job.body.push_str(line);
                job.body.push('\n');
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_jobs = line.trim_end() == "jobs:";
            continue;
        }
        if !in_jobs {
            continue;
        }
        if indent == 2 && line.trim_end().ends_with(':') {
            jobs.push(Job {
                name: line.trim().trim_end_matches(':').to_string(),
                body: String::new(),
            });
        } else if let Some(job) = jobs.last_mut() {
            job.body.push_str(line);
            job.body.push('\n');
        }
    }
    jobs
}

/// The value of a `key: value` line four spaces into a job.
fn job_field(job: &Job, key: &str) -> Option<String> {
    job.body.lines().find_map(|line| {
        let rest = line.strip_prefix("    ")?;
        if rest.starts_with(' ') {
            return None;
        }
        let value = rest.strip_prefix(key)?.strip_prefix(':')?;
        Some(value.trim().trim_matches(['\'', '"']).to_string())
    })
}

#[test]
fn release_workflow_builds_three_engines_and_packs_one_module() {
    let src = read(RELEASE_WORKFLOW);
    assert!(!src.contains('\t'), "YAML must not contain tabs");
    let jobs = workflow_jobs(&src);
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["win-x64", "linux-x64", "osx-arm64", "pack"]);
    let job = |name: &str| jobs.iter().find(|j| j.name == name).unwrap();

    let expectations = [
        (
            "win-x64",
            "windows-latest",
            "x86_64-pc-windows-msvc",
            "writeback_diagnostics.dll",
        ),
        (
            "linux-x64",
            "ubuntu-22.04",
            "x86_64-unknown-linux-gnu",
            "libwriteback_diagnostics.so",
        ),
        (
            "osx-arm64",
            "macos-14",
            "aarch64-apple-darwin",
            "libwriteback_diagnostics.dylib",
        ),
    ];
    for (name, runner, triple, file) in expectations {
        let j = job(name);
        assert_eq!(
            job_field(j, "runs-on").as_deref(),
            Some(runner),
            "{name} runs-on"
        );
        assert!(
            j.body
                .contains(&format!("--release --lib --target {triple}")),
            "{name} must build the release library for {triple}"
        );
        assert!(
            j.body.contains("actions/upload-artifact@"),
            "{name} uploads nothing"
        );
        assert!(
            j.body.contains(&format!("name: engine-{name}"))
                && j.body.contains(&format!("target/{triple}/release/{file}")),
            "{name} must upload target/{triple}/release/{file} as engine-{name}"
        );
    }
    assert!(
        job("linux-x64").body.contains("WbdGlibcFloor")
            && job("linux-x64").body.contains("readelf"),
        "linux-x64 must check the built library against the stated glibc floor"
    );

    let pack = job("pack");
    assert!(
        job_field(pack, "runs-on").is_some_and(|r| r.starts_with("ubuntu-")),
        "pack runs on Ubuntu (bash and pwsh)"
    );
    assert_eq!(
        job_field(pack, "needs").as_deref(),
        Some("[win-x64, linux-x64, osx-arm64]")
    );
    for name in ["win-x64", "linux-x64", "osx-arm64"] {
        assert!(
            pack.body.contains(&format!("name: engine-{name}")),
            "pack does not download engine-{name}"
        );
    }
    // The assemble command, with its continuation lines joined.
    let joined = pack.body.replace("\\\n", " ");
    let command = joined
        .lines()
        .find(|l| l.contains("scripts/build-module.sh"))
        .expect("pack runs scripts/build-module.sh");
    let natives: Vec<&str> = command
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] == "--native")
        .map(|w| w[1])
        .collect();
    assert_eq!(natives.len(), 3, "three --native arguments: {command}");
    for (rid, file) in [
        ("win-x64", "writeback_diagnostics.dll"),
        ("linux-x64", "libwriteback_diagnostics.so"),
        ("osx-arm64", "libwriteback_diagnostics.dylib"),
    ] {
        assert!(
            natives
                .iter()
                .any(|n| n.starts_with(&format!("{rid}=")) && n.ends_with(file)),
            "no --native {rid}=.../{file} in {command}"
        );
    }
    assert!(
        command.split_whitespace().any(|w| w == "--shim-dll")
            && pack.body.contains("actions/setup-dotnet@"),
        "pack must set up the .NET SDK and build the precompiled shim (--shim-dll): {command}"
    );
    assert!(
        pack.body.contains("Test-ModuleManifest"),
        "pack must run Test-ModuleManifest"
    );
    assert!(
        pack.body.contains("actions/upload-artifact@")
            && pack.body.contains("path: dist/WritebackDiagnostics"),
        "pack must upload the module folder"
    );
}

#[test]
fn workflow_parses_as_yaml_where_python_can() {
    let has_yaml = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_yaml {
        eprintln!("python3 with PyYAML is not installed; the structural checks above still ran");
        return;
    }
    for workflow in [RELEASE_WORKFLOW, ".github/workflows/windows.yml"] {
        let script = "import json, sys, yaml\n\
                      d = yaml.safe_load(open(sys.argv[1]))\n\
                      print(json.dumps({k: v.get('runs-on') for k, v in d['jobs'].items()}))";
        let output = Command::new("python3")
            .args(["-c", script])
            .arg(repo().join(workflow))
            .output()
            .expect("python3");
        assert!(
            output.status.success(),
            "{workflow} is not valid YAML: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let jobs = workflow_jobs(&read(workflow));
        let ours: serde_json::Map<String, serde_json::Value> = jobs
            .iter()
            .map(|j| {
                (
                    j.name.clone(),
                    job_field(j, "runs-on").map_or(serde_json::Value::Null, Into::into),
                )
            })
            .collect();
        assert_eq!(
            parsed,
            serde_json::Value::Object(ours),
            "{workflow}: jobs and runners"
        );
    }
}

#[test]
fn workflow_reader_handles_nesting() {
    let src = "name: x\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n  b:\n    runs-on: 'macos-14'\n";
    let jobs = workflow_jobs(src);
    assert_eq!(jobs.len(), 2);
    assert_eq!(
        job_field(&jobs[0], "runs-on").as_deref(),
        Some("ubuntu-latest")
    );
    assert_eq!(job_field(&jobs[1], "runs-on").as_deref(), Some("macos-14"));
    assert!(
        job_field(&jobs[0], "run").is_none(),
        "nested keys are not job fields"
    );
}
