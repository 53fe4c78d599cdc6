//! Just enough of a PNG decoder to tell a rendered page from a blank one: chunk
//! structure and CRCs, IHDR, the inflated IDAT stream, and the scanline filters.

use std::collections::HashSet;
use std::io::Read;

/// A decoded 8-bit, non-interlaced image.
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// Bytes per pixel (3 for RGB, 4 for RGBA, 1 grey, 2 grey+alpha).
    pub bpp: usize,
    /// Unfiltered pixel rows, `width * bpp` bytes each.
    pub pixels: Vec<u8>,
    /// Total size of the compressed IDAT data.
    pub compressed: usize,
}

impl Image {
    /// Number of distinct pixel values.
    pub fn distinct_colours(&self) -> usize {
        self.pixels
            .chunks_exact(self.bpp)
            .collect::<HashSet<&[u8]>>()
            .len()
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Decodes `png`, panicking with the reason when it is not a well-formed 8-bit image.
pub fn decode(png: &[u8]) -> Image {
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG (signature)"
    );
    let mut at = 8;
    let mut header: Option<(u32, u32, u8, u8, u8)> = None;
    let mut idat = Vec::new();
    let mut ended = false;
    while at + 12 <= png.len() {
        let len = be32(&png[at..]) as usize;
        let kind = &png[at + 4..at + 8];
        assert!(at + 12 + len <= png.len(), "chunk runs past the end");
        let data = &png[at + 8..at + 8 + len];
        let crc = be32(&png[at + 8 + len..]);
        assert_eq!(
            crc32(&png[at + 4..at + 8 + len]),
            crc,
            "bad CRC in {}",
            String::from_utf8_lossy(kind)
        );
        match kind {
            b"IHDR" => {
                assert_eq!(len, 13, "IHDR length");
                header = Some((be32(data), be32(&data[4..]), data[8], data[9], data[12]));
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => {
                ended = true;
                break;
            }
            _ => {}
        }
        at += 12 + len;
    }
    assert!(ended, "no IEND chunk");
    let (width, height, depth, colour, interlace) = header.expect("no IHDR chunk");
    assert_eq!(depth, 8, "bit depth");
    assert_eq!(interlace, 0, "interlaced PNG");
    let bpp = match colour {
        0 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        other => panic!("colour type {other} not handled"),
    };
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .read_to_end(&mut raw)
        .expect("IDAT inflates");
    let stride = width as usize * bpp;
    assert_eq!(
        raw.len(),
        height as usize * (stride + 1),
        "inflated size matches IHDR"
    );
    let mut pixels = vec![0u8; height as usize * stride];
    for y in 0..height as usize {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= bpp {
                pixels[y * stride + x - bpp]
            } else {
                0
            };
            let b = if y > 0 {
                pixels[(y - 1) * stride + x]
            } else {
                0
            };
            let c = if x >= bpp && y > 0 {
                pixels[(y - 1) * stride + x - bpp]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                other => panic!("unknown PNG filter {other} on row {y}"),
            };
            pixels[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    Image {
        width,
        height,
        bpp,
        pixels,
        compressed: idat.len(),
    }
}
