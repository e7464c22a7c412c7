//! The release bundles' sizes: raw, gzip and brotli, per file of a page's bundle.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub struct FileSize {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        enc.write_all(bytes)?;
    }
    Ok(out.len())
}

/// One page's bundle in `dist`: the page itself, the wasm, JS and CSS files
/// it names, and `extra` (the shell counts its service worker). Icons and the
/// manifest are not part of what the budget counts. A page naming two
/// builds (SIMD, and plain for engines without it; xtask/src/precache.rs)
/// downloads one: the SIMD build's glue and wasm are counted.
pub fn page_bundle(dist: &Path, page: &str, extra: &[&str]) -> Result<Vec<FileSize>> {
    let html = std::fs::read_to_string(dist.join(page))
        .with_context(|| format!("reading {}", dist.join(page).display()))?;
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let asset = ["wasm", "js", "css"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext));
        let plain_twin = html.contains(".simd.wasm")
            && !name.contains(".simd.")
            && name.starts_with("tsunagari-app-")
            && (name.ends_with("_bg.wasm") || name.ends_with(".js"));
        let named = name == page
            || extra.contains(&name.as_str())
            || (asset && html.contains(&format!("/{name}")));
        if !named || plain_twin || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        sizes.push(FileSize {
            name,
            raw: bytes.len(),
            gzip: gzip_len(&bytes)?,
            brotli: brotli_len(&bytes)?,
        });
    }
    sizes.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(sizes)
}

pub fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}
