/*
 * private_file.c - creating files 0600 and folders 0700 whatever the umask
 * (private_file.h).
 */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ld_status core_private_file_create(const char *path, FILE **out, ld_error *err)
{
    int fd =
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, CORE_PRIVATE_FILE_MODE);
    if (fd < 0)
        return LD_FAIL(err, LD_EINVAL, "%s: %s", path,
                       errno == ELOOP ? "is a symbolic link; give a plain file" : strerror(errno));
    /* Also narrows a file that was already there with a wider mode. */
    if (fchmod(fd, CORE_PRIVATE_FILE_MODE) != 0) {
        int code = errno;
        close(fd);
        return LD_FAIL(err, LD_EINVAL, "%s: cannot make it private: %s", path, strerror(code));
    }
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        int code = errno;
        close(fd);
        return LD_FAIL(err, LD_EINTERNAL, "%s: %s", path, strerror(code));
    }
    *out = f;
    return LD_OK;
}

ld_status core_private_file_precreate(const char *path, bool *created, ld_error *err)
{
    bool made = false;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, CORE_PRIVATE_FILE_MODE);
    if (fd >= 0) {
        made = true;
        int rc = fchmod(fd, CORE_PRIVATE_FILE_MODE);
        int code = errno;
        close(fd);
        if (rc != 0) {
            unlink(path);
            return LD_FAIL(err, LD_EINVAL, "%s: cannot make it private: %s", path, strerror(code));
        }
    } else if (errno != EEXIST) {
        return LD_FAIL(err, LD_EINVAL, "%s: %s", path, strerror(errno));
    }
    if (created != NULL)
        *created = made;
    return LD_OK;
}

ld_status core_private_dir_create(const char *path, ld_error *err)
{
    if (mkdir(path, CORE_PRIVATE_DIR_MODE) != 0) {
        if (errno == EEXIST)
            return LD_OK;
        return LD_FAIL(err, LD_EINVAL, "%s: %s", path, strerror(errno));
    }
    if (chmod(path, CORE_PRIVATE_DIR_MODE) != 0)
        return LD_FAIL(err, LD_EINVAL, "%s: cannot make it private: %s", path, strerror(errno));
    return LD_OK;
}
