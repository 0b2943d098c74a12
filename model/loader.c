/* placeholder until the loader lands */
#include "config.h"
#include "model/model.h"
int model_load_file(const char *path, struct model **out, struct model_errors *errs) { return -1; }
