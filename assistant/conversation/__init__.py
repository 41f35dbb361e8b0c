"""The conversation as a typed state machine: its state, its named states, and their diagram."""

from assistant.conversation.state import STATES, ConversationState, StateName, StateRow

__all__ = ["STATES", "ConversationState", "StateName", "StateRow"]
