"""The dashboard's pages, one file each: st.navigation runs a file as a script (__name__ == "__main__"), and
each file ends with `if __name__ == "__main__": render()`, so tests and other modules can import it too."""
