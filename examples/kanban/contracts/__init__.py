"""Contracts of the kanban example: workspaces, their boards and the boards' cards."""
