// gen-music: the music domain adapter (Standard MIDI Files, scores, music models and metrics).
import GenEngine

CLI.main(version: version, root: root)
