"""Presentation: the bilingual label catalogue, tables (three-line HTML, Word, Excel), number
formats and figures. Nothing here computes a statistic; everything here knows a language."""
