"""Online resident-certificate applications for foreign and overseas Chinese students."""
