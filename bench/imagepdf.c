/* imagepdf OUT.pdf PAGE.png [PAGE.png…]: an image-only PDF, one PNG a page,
 * each placed at 200 dpi as a scanner would (no text layer). Used by
 * bench/ocrbench.py to make scans of real pages. */
#include <cairo.h>
#include <cairo-pdf.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: imagepdf OUT.pdf PAGE.png...\n"); return 2; }
    cairo_surface_t *pdf = cairo_pdf_surface_create(argv[1], 595, 842);
    cairo_t *cr = cairo_create(pdf);
    for (int i = 2; i < argc; i++) {
        cairo_surface_t *image = cairo_image_surface_create_from_png(argv[i]);
        if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) { fprintf(stderr, "cannot read %s\n", argv[i]); return 1; }
        double w = cairo_image_surface_get_width(image) * 72.0 / 200, h = cairo_image_surface_get_height(image) * 72.0 / 200;
        cairo_pdf_surface_set_size(pdf, w, h);
        cairo_save(cr);
        cairo_scale(cr, 72.0 / 200, 72.0 / 200);
        cairo_set_source_surface(cr, image, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_show_page(cr);
        cairo_surface_destroy(image);
    }
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    cairo_surface_destroy(pdf);
    return 0;
}
