"""What an export file says about its columns: the data dictionary (`codebook`), shared by the
XLSX codebook sheet and the SPSS file (docs/exports.md)."""
