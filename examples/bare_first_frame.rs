//! The baseline for the first-frame check (benches/startup.rs): a bare ratatui app that draws one
//! frame and waits for a key. Nothing of physio-intake is loaded.
//!
//! cargo run --release --example bare_first_frame

use ratatui::crossterm::event::{self, Event};
use ratatui::widgets::{Block, Paragraph};

fn main() {
    let mut terminal = ratatui::init();
    let drawn = terminal.draw(|frame| {
        let text = Paragraph::new("bare ratatui: first frame").block(Block::bordered().title("baseline"));
        frame.render_widget(text, frame.area());
    });
    if drawn.is_ok() {
        loop {
            match event::read() {
                Ok(Event::Key(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    ratatui::restore();
}
