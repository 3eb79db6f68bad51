/* libxml2 for Swift.
 *
 * Debian's libxml2 is built with ICU, and its encoding.h then includes the
 * system's <unicode/ucnv.h>, whose enums clash with the ICU copy inside
 * Foundation. Dossier never touches libxml2's ICU converters, so the ICU part
 * of the headers is switched off here (the header guard keeps it off). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

/* xmlFree is a global function pointer, which Swift 6 treats as shared
 * mutable state; this wrapper is a plain function. */
static inline void dossier_xml_free(void *pointer) { xmlFree(pointer); }
