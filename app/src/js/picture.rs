//! A live picture over a plot: an `<img class="live-picture">` laid over the plot's div (CSS
//! `.plot > .live-picture`), its source swapped frame after frame. A PNG comes as bytes in a
//! Blob (no base64 text for the browser to parse again), its URL revoked as soon as the picture
//! is decoded (as MDN advises: the element keeps the picture), so none outlives its frame.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const CLASS: &str = "live-picture";

fn err(e: JsValue) -> String {
    format!("{e:?}")
}

/// The live picture of `div`, made if it has none.
fn picture_of(div: &web_sys::Element) -> Result<web_sys::HtmlImageElement, String> {
    if let Some(el) = div.query_selector(&format!(":scope > img.{CLASS}")).ok().flatten() {
        return el.dyn_into().map_err(|_| "not a picture".to_owned());
    }
    let doc = super::document().ok_or("no document")?;
    let img: web_sys::HtmlImageElement =
        doc.create_element("img").map_err(err)?.dyn_into().map_err(|_| "not a picture".to_owned())?;
    img.set_class_name(CLASS);
    img.set_alt("live picture");
    div.append_child(&img).map_err(err)?;
    Ok(img)
}

/// Shows a PNG's bytes over `div`'s plot; resolves once the picture is decoded.
pub async fn show_png(div: &web_sys::Element, png: &[u8]) -> Result<(), String> {
    let img = picture_of(div)?;
    let parts = Array::of1(&Uint8Array::from(png));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("image/png");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map(|_| ()).map_err(|_| "the picture could not be decoded".to_owned())
}

/// Shows `src` (an image URI) over `div`'s plot; resolves once the picture is decoded.
pub async fn show_uri(div: &web_sys::Element, src: &str) -> Result<(), String> {
    let img = picture_of(div)?;
    img.set_src(src);
    let decoded = JsFuture::from(img.decode()).await;
    decoded.map(|_| ()).map_err(|_| "the picture could not be decoded".to_owned())
}

/// Removes the live picture from `div`, if it has one.
pub fn remove_from(div: &web_sys::Element) {
    if let Ok(Some(el)) = div.query_selector(&format!(":scope > img.{CLASS}")) {
        el.remove();
    }
}
