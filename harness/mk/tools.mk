# Instructor and editor tooling (grade, student-tree, style, clangd, gdb),
# included by the top-level Makefile.
