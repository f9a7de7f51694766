#!/bin/sh
# Installs the pinned real agent CLIs for `npm run test:agents` into a cache dir (not the
# project's node_modules): AMUX_AGENT_CACHE, else /work/.agent-cache when it exists, else
# ~/.cache/amux-agents. About 600 MB; a second run finds them and does nothing.
set -eu
CLAUDE_VERSION=2.1.197
CODEX_VERSION=0.169.0
if [ -n "${AMUX_AGENT_CACHE:-}" ]; then cache=$AMUX_AGENT_CACHE
elif [ -d /work/.agent-cache ]; then cache=/work/.agent-cache
else cache="$HOME/.cache/amux-agents"; fi
have() { [ -f "$cache/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" "$cache/node_modules/$1/package.json"; }
if have @anthropic-ai/claude-code "$CLAUDE_VERSION" && have @openai/codex "$CODEX_VERSION"; then exit 0; fi
mkdir -p "$cache"
echo "installing @anthropic-ai/claude-code@$CLAUDE_VERSION @openai/codex@$CODEX_VERSION into $cache" >&2
npm install --no-audit --no-fund --prefix "$cache" "@anthropic-ai/claude-code@$CLAUDE_VERSION" "@openai/codex@$CODEX_VERSION" >&2
