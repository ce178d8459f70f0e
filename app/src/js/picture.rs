//! A live picture over a plot: an `<img class="live-picture">` laid over the plot's div (CSS
//! `.plot > .live-picture`), its source swapped frame after frame.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const CLASS: &str = "live-picture";

/// Shows `src` (an image URI) over `div`'s plot; resolves once the picture is decoded.
pub async fn show_over(div: &web_sys::Element, src: &str) -> Result<(), String> {
    let img = match div.query_selector(&format!(":scope > img.{CLASS}")).ok().flatten() {
        Some(el) => el.dyn_into::<web_sys::HtmlImageElement>().map_err(|_| "not a picture".to_owned())?,
        None => {
            let doc = super::document().ok_or("no document")?;
            let img = doc
                .create_element("img")
                .map_err(|e| format!("{e:?}"))?
                .dyn_into::<web_sys::HtmlImageElement>()
                .map_err(|_| "not a picture".to_owned())?;
            img.set_class_name(CLASS);
            img.set_alt("live picture");
            div.append_child(&img).map_err(|e| format!("{e:?}"))?;
            img
        }
    };
    img.set_src(src);
    JsFuture::from(img.decode()).await.map(|_| ()).map_err(|_| "the picture could not be decoded".to_owned())
}

/// Removes the live picture from `div`, if it has one.
pub fn remove_from(div: &web_sys::Element) {
    if let Ok(Some(el)) = div.query_selector(&format!(":scope > img.{CLASS}")) {
        el.remove();
    }
}
