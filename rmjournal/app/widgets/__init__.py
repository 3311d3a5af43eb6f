"""Small reusable widgets shared by the app's screens."""
