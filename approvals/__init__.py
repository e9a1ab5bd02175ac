"""Import-approval requests: companies, the review workflow, screening, notifications and audit."""
