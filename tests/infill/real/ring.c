#include <stdlib.h>
#include <string.h>

/* A fixed-size ring buffer of bytes. */
struct ring {
    unsigned char *data;
    size_t capacity;
    size_t head;
    size_t length;
};

struct ring *ring_new(size_t capacity) {
    struct ring *r = malloc(sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->data = calloc(capacity, 1);
    r->capacity = capacity;
    r->head = 0;
    r->length = 0;
    return r;
}

int ring_push(struct ring *r, unsigned char byte) {
    if (r->length == r->capacity) {
        return -1;
    }
    r->data[(r->head + r->length) % r->capacity] = byte;
    r->length++;
    return 0;
}

int ring_pop(struct ring *r) {
    if (r->length == 0) {
        return -1;
    }
    unsigned char byte = r->data[r->head];
    r->head = (r->head + 1) % r->capacity;
    r->length--;
    return byte;
}
