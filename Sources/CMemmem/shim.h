// glibc's memmem, a GNU extension the Glibc module leaves out: log pages search a whole column of text for a word
// in one vectorised pass rather than line by line.
#include <stddef.h>
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
