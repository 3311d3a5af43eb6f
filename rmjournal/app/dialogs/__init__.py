"""The app's modal dialogs: each a typed `ModalScreen[T]` that dismisses with its answer.

A dialog asks one question or collects one form and hands the result to the screen that pushed
it (`push_screen(dialog, callback)`); it never writes to the journal itself. `form` holds the
shared base (`FormDialog`, `FormProblem`, `AskDialog`, `ConfirmDialog`); the others are the
forms and questions of one room each: `passphrase` (a new passphrase, typed twice), `recovery`
(the recovery key to write down), `merge_offer`, `prompt_picker`, `session_forms`,
`action_forms`.
"""
