def path_diagram(result, lang="zh", ax=None):
    raise NotImplementedError
