//! PNG output: the SVG rasterised with resvg and an embedded font.

use crate::error::{Error, Result};

/// The rasteriser's own error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RasterError(String);

/// Rasterises an SVG document with resvg, using the embedded Ubuntu font
/// (no system font needed).
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options {
        font_family: "Ubuntu".to_owned(),
        ..Default::default()
    };
    options
        .fontdb_mut()
        .load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| Error::encode("PNG", e))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        Error::encode(
            "PNG",
            RasterError(format!(
                "cannot allocate a {}×{} image",
                size.width(),
                size.height()
            )),
        )
    })?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::encode("PNG", e))
}
