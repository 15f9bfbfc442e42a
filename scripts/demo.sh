#!/usr/bin/env bash
# The README quick start: sets everything up, makes a small demo library of
# real audio files with ffmpeg (a few formats, non-ASCII tags), scans it into
# a demo database, installs the base model (from ../shared when it is there,
# else downloaded and verified), analyses every track and shows what Earmark
# found and heard. Safe to run again: the
# library is made once, and the second scan only looks for changes.
source "$(dirname "$0")/env.sh"
cd "$EARMARK_ROOT"
bash scripts/setup.sh

command -v ffmpeg >/dev/null || { echo "earmark demo: ffmpeg is needed to make the demo library (apt-get install ffmpeg)" >&2; exit 1; }
demo_lib="$EARMARK_ROOT/.cache/demo-library"
export EARMARK_HOME="$EARMARK_ROOT/.cache/demo-home"
mkdir -p "$EARMARK_HOME"

# make FILE SOURCE TITLE ARTIST ALBUM GENRE: one 8 s file from an ffmpeg test source.
make() {
  local file="$demo_lib/$1" src="$2"
  [ -s "$file" ] && return 0
  mkdir -p "$(dirname "$file")"
  local codec=()
  case "$file" in
    *.ogg) codec=(-c:a libvorbis) ;;
    *.opus) codec=(-c:a libopus -ar 48000) ;;
    *.m4a) codec=(-c:a aac) ;;
  esac
  ffmpeg -nostdin -v error -y -f lavfi -i "$src" -t 8 -ac 2 "${codec[@]}" \
    -metadata title="$3" -metadata artist="$4" -metadata album="$5" -metadata genre="$6" -metadata date=2024 \
    "$file.tmp.${file##*.}" && mv "$file.tmp.${file##*.}" "$file"
}
echo "earmark demo: making a demo library in $demo_lib ..." >&2
make "Sinfonía Sintética/01 Señal de prueba.flac" "sine=frequency=440:sample_rate=44100" "Señal de prueba" "Orquesta Sintética" "Sinfonía Sintética" "Classical"
make "Sinfonía Sintética/02 Acorde.mp3" "aevalsrc=0.3*sin(2*PI*261.6*t)+0.3*sin(2*PI*329.6*t)+0.3*sin(2*PI*392*t):s=44100" "Acorde mayor" "Orquesta Sintética" "Sinfonía Sintética" "Classical"
make "Bruit Rose/Pluie d'été.ogg" "anoisesrc=color=pink:sample_rate=44100:amplitude=0.4" "Pluie d'été" "Chœur des Bruits" "Bruit Rose" "Ambient"
make "Bruit Rose/Tempête (remix).opus" "anoisesrc=color=brown:sample_rate=48000:amplitude=0.5" "Tempête (remix)" "Chœur des Bruits" "Bruit Rose" "Ambient"
make "音のテスト/ビート.m4a" "aevalsrc=0.8*sin(2*PI*60*t)*exp(-8*mod(t\,0.5)):s=44100" "ビート" "テスト・バンド" "音のテスト" "Electronic"
make "音のテスト/Glissando.mp3" "aevalsrc=0.5*sin(2*PI*(200+100*t)*t):s=44100" "Glissando" "テスト・バンド" "音のテスト" "Electronic"

echo "== earmark scan $demo_lib"
node bin/earmark.js scan "$demo_lib"
echo
echo "== earmark ls"
node bin/earmark.js ls --sort artist
echo
echo "== earmark stats"
node bin/earmark.js stats

echo
echo "== earmark models install"
if ! node bin/earmark.js models list --json | grep -q '"installed": *true'; then
  weights="$EARMARK_ROOT/../shared/models/choi-crnn-msd/music_tagger_crnn_weights_tensorflow.h5"
  if [ -f "$weights" ]; then node bin/earmark.js models install --from "$weights"
  else node bin/earmark.js models install
  fi
fi
echo
echo "== earmark analyze"
node bin/earmark.js analyze
echo
echo "== earmark show (the chord)"
node bin/earmark.js show "$demo_lib/Sinfonía Sintética/02 Acorde.mp3" --top 5
echo
echo "== earmark search 'msd:electronic>0.1 sort:-msd:electronic'"
node bin/earmark.js search 'msd:electronic>0.1 sort:-msd:electronic'
echo
echo "Demo data: $EARMARK_HOME (database earmark.db). Try: EARMARK_HOME=$EARMARK_HOME node bin/earmark.js serve"
