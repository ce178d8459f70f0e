//! Files the user picked or dropped, and downloads.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A picked file's text.
pub async fn read_text(f: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(f.text()).await.map_err(|_| format!("{} could not be read", f.name()))?;
    text.as_string().ok_or_else(|| format!("{} is not text", f.name()))
}

/// A picked file's bytes.
pub async fn read_bytes(f: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(f.array_buffer()).await.map_err(|_| format!("{} could not be read", f.name()))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Offers `bytes` as a file download (byte for byte: a binary file stays intact).
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
        .map_err(|_| "the browser refused the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL")?;
    let doc = super::document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(|_| "no anchor")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
