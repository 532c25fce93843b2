"""HTTP and Socket.IO front door."""
