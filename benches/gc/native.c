/* Native baselines of the GC benchmarks (benches/gc.rs): the same work as
 * benches/gc/binary_trees.wat and benches/gc/casts.wat, with malloc/free
 * and a tag field standing in for the collector and the casts. */
#include <stdint.h>
#include <stdlib.h>

struct node {
    struct node *left, *right;
};

static struct node *make(int depth) {
    struct node *n = malloc(sizeof *n);
    if (depth == 0) {
        n->left = n->right = NULL;
    } else {
        n->left = make(depth - 1);
        n->right = make(depth - 1);
    }
    return n;
}

static int32_t count(const struct node *n) {
    return n->left ? 1 + count(n->left) + count(n->right) : 1;
}

static void release(struct node *n) {
    if (n->left) {
        release(n->left);
        release(n->right);
    }
    free(n);
}

int32_t binary_trees(int32_t depth, int32_t iterations) {
    struct node *long_lived = make(depth - 1);
    int32_t sum = 0;
    for (; iterations > 0; iterations--) {
        struct node *t = make(depth);
        sum += count(t);
        release(t);
    }
    sum += count(long_lived);
    release(long_lived);
    return sum;
}

struct shape {
    int32_t kind; /* 1 circle, 2 rectangle */
    int32_t a, b;
};

static int32_t area(const struct shape *s) {
    if (s->kind == 1) {
        return s->a * s->a * 3;
    }
    return s->a * s->b;
}

int32_t casts(int32_t n, int32_t rounds) {
    struct shape **all = malloc(sizeof(struct shape *) * (size_t)n);
    for (int32_t i = 0; i < n; i++) {
        struct shape *s = malloc(sizeof *s);
        if (i & 1) {
            s->kind = 1;
            s->a = i & 15;
        } else {
            s->kind = 2;
            s->a = i & 7;
            s->b = 3;
        }
        all[i] = s;
    }
    int32_t sum = 0;
    for (; rounds > 0; rounds--) {
        for (int32_t i = 0; i < n; i++) {
            sum += area(*(struct shape *volatile *)&all[i]);
        }
    }
    for (int32_t i = 0; i < n; i++) {
        free(all[i]);
    }
    free(all);
    return sum;
}
