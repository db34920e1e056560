"""Real-time delivery: the per-process hub, presence, and the WebSocket endpoints."""
